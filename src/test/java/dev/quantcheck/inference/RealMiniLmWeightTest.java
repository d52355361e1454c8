package dev.quantcheck.inference;

import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.inference.kernels.KernelProvider;
import dev.quantcheck.inference.weights.AffineWeight;
import dev.quantcheck.inference.weights.F32Weight;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.quantization.AffineQuantizer;
import dev.quantcheck.quantization.QuantizedTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real all-MiniLM-L6-v2 converted at 4 and 8 bits (g64, F16 scales): every layer loads packed, within 10% of
 * its bytes on disk, and multiplies within 1e-3 of "dequantize with the quantization package, then fp32".
 */
class RealMiniLmWeightTest {
    static final int TOKENS = 16;

    @TempDir
    static Path dir;
    static Path source;
    static Path q4;
    static Path q8;
    static WorkerPool pool;

    @BeforeAll
    static void convert() throws IOException {
        source = BuiltinModels.miniLm();
        q4 = Converter.convert(source, dir.resolve("q4"), ConversionOptions.defaults().withBits(4), false).output();
        q8 = Converter.convert(source, dir.resolve("q8"), ConversionOptions.defaults().withBits(8), false).output();
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Test
    void fourBitLayersMultiplyLikeTheirDequantizedWeights() throws IOException {
        checkQuantized(q4, 4);
    }

    @Test
    void eightBitLayersMultiplyLikeTheirDequantizedWeights() throws IOException {
        checkQuantized(q8, 8);
    }

    @Test
    void theFloat32OriginalLoadsAsFloat32WithinItsFileSize() throws IOException {
        try (ModelDirectory model = ModelDirectory.open(source)) {
            long resident = 0;
            for (String module : linearModules(model)) {
                LinearWeight w = LinearWeights.load(model, module);
                assertThat(w).isInstanceOf(F32Weight.class);
                assertThat(w.residentBytes()).isEqualTo(model.weights().info(module + ".weight").byteSize());
                resident += w.residentBytes();
            }
            assertThat((double) resident).isCloseTo(model.weights().fileBytes(),
                    org.assertj.core.data.Percentage.withPercentage(10));
            String ffn = "encoder.layer.2.intermediate.dense";
            LinearWeight w = LinearWeights.load(model, ffn);
            float[] x = gaussian(new SplittableRandom(1), TOKENS * w.cols());
            float[] bias = model.weights().floats(ffn + ".bias");
            float[] y = new float[TOKENS * w.rows()];
            new MatMul(KernelProvider.kernels(), pool).forward(x, TOKENS, w, bias, y);
            float[] expected = MatMulTest.naive(x, TOKENS, model.weights().floats(ffn + ".weight"), w.rows(), w.cols(), bias);
            assertThat(MatMulTest.maxDiff(y, expected)).isLessThanOrEqualTo(1e-3);
        }
    }

    private static void checkQuantized(Path folder, int bits) throws IOException {
        SplittableRandom random = new SplittableRandom(bits);
        MatMul matMul = new MatMul(KernelProvider.kernels(), pool);
        try (ModelDirectory model = ModelDirectory.open(folder)) {
            assertThat(model.quantizedLayers()).hasSize(39);
            long resident = 0;
            double worst = 0;
            for (String module : linearModules(model)) {
                LinearWeight w = LinearWeights.load(model, module);
                assertThat(w).as(module).isInstanceOf(AffineWeight.class);
                assertThat(w.storage()).isEqualTo("affine " + bits + "-bit g64 (F16 scales)");
                long onDisk = LoadedLinearWeightTest.tensorBytes(model.weights(), module);
                assertThat((double) w.residentBytes()).as(module)
                        .isCloseTo(onDisk, org.assertj.core.data.Percentage.withPercentage(10));
                resident += w.residentBytes();
                QuantizedTensor q = LoadedLinearWeightTest.quantizedTensor(model, module);
                if (module.startsWith("embeddings.")) {
                    checkLookups(w, q, random);
                    continue;
                }
                float[] x = gaussian(random, TOKENS * w.cols());
                float[] bias = model.weights().floats(module + ".bias");
                float[] y = new float[TOKENS * w.rows()];
                matMul.forward(x, TOKENS, w, bias, y);
                float[] expected = MatMulTest.naive(x, TOKENS, AffineQuantizer.dequantize(q), w.rows(), w.cols(), bias);
                double diff = MatMulTest.maxDiff(y, expected);
                assertThat(diff).as(module).isLessThanOrEqualTo(1e-3);
                worst = Math.max(worst, diff);
            }
            assertThat((double) resident).as("all layers against the weight file")
                    .isCloseTo(model.weights().fileBytes(), org.assertj.core.data.Percentage.withPercentage(10));
            System.out.printf("MiniLM q%d: resident %d bytes, file %d bytes, worst matmul diff %.2e%n", bits,
                    resident, model.weights().fileBytes(), worst);
        }
    }

    /** Embedding rows, as a lookup sees them: exactly the quantization package's rows. */
    private static void checkLookups(LinearWeight w, QuantizedTensor q, SplittableRandom random) {
        float[] got = new float[w.cols()];
        float[] want = new float[w.cols()];
        for (int i = 0; i < 64; i++) {
            int row = i == 0 ? w.rows() - 1 : random.nextInt(w.rows());
            w.decodeRow(row, got, 0);
            q.dequantizeRow(row, want);
            assertThat(got).as("row %d", row).containsExactly(want);
        }
    }

    /** Every Linear and Embedding module (anything with a rank-2 weight). */
    static List<String> linearModules(ModelDirectory model) {
        List<String> modules = new ArrayList<>();
        for (String name : model.weights().names()) {
            if (name.endsWith(".weight") && model.weights().info(name).rank() == 2) {
                modules.add(name.substring(0, name.length() - ".weight".length()));
            }
        }
        return modules;
    }

    static float[] gaussian(SplittableRandom random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            double u = 1.0 - random.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return v;
    }
}

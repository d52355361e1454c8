package dev.quantcheck.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.ModelWeights;
import dev.quantcheck.format.SafetensorsFile;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorBytes;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.inference.weights.AffineWeight;
import dev.quantcheck.inference.weights.F32Weight;
import dev.quantcheck.inference.weights.FpWeight;
import dev.quantcheck.inference.weights.HalfWeight;
import dev.quantcheck.quantization.FpQuantizedTensor;
import dev.quantcheck.quantization.FpQuantizer;
import dev.quantcheck.quantization.QuantizationMode;
import dev.quantcheck.quantization.QuantizedTensor;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LinearWeights.load on tiny models in every storage: the right class, the stored width, exact rows. */
class LoadedLinearWeightTest {
    static final List<String> MODULES = List.of("embeddings.word_embeddings", "embeddings.position_embeddings",
            "encoder.layer.0.attention.self.query", "encoder.layer.0.intermediate.dense", "encoder.layer.1.output.dense");

    @TempDir
    Path dir;

    @Test
    void floatModelsLoadAsFloatWeightsWithTheirExactValues() throws IOException {
        for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Path folder = TinyBert.builder().dtype(dtype).write(dir.resolve(dtype.fileName()));
            try (ModelDirectory model = ModelDirectory.open(folder)) {
                for (String module : MODULES) {
                    LinearWeight w = LinearWeights.load(model, module);
                    TensorInfo info = model.weights().info(module + ".weight");
                    assertThat(w).isInstanceOf(dtype == DType.F32 ? F32Weight.class : HalfWeight.class);
                    assertThat(w.storage()).isEqualTo(dtype.fileName());
                    assertThat(w.residentBytes()).isEqualTo(info.byteSize());
                    assertRowsEqual(w, model.weights().floats(module + ".weight"));
                }
            }
        }
    }

    @Test
    void convertedModelsLoadPackedWithTheRowsOfTheQuantizationPackage() throws IOException {
        Path source = TinyBert.builder().write(dir.resolve("f32"));
        for (int bits : new int[] {3, 4, 8}) {
            Path out = Converter.convert(source, dir.resolve("q" + bits),
                    ConversionOptions.defaults().withBits(bits).withGroupSize(32), false).output();
            try (ModelDirectory model = ModelDirectory.open(out)) {
                for (String module : MODULES) {
                    LinearWeight w = LinearWeights.load(model, module);
                    assertThat(w).isInstanceOf(AffineWeight.class);
                    assertThat(w.storage()).isEqualTo("affine " + bits + "-bit g32 (F16 scales)");
                    assertThat(w.biasGroupSize()).isEqualTo(32);
                    assertThat(w.residentBytes()).isEqualTo(tensorBytes(model.weights(), module));
                    QuantizedTensor q = quantizedTensor(model, module);
                    float[] expected = new float[q.rows() * q.cols()];
                    float[] row = new float[q.cols()];
                    for (int r = 0; r < q.rows(); r++) {
                        q.dequantizeRow(r, row);
                        System.arraycopy(row, 0, expected, r * q.cols(), q.cols());
                    }
                    assertRowsEqual(w, expected);
                    assertThat(w.groupBias(1, 1)).isEqualTo(q.bias(1, 1));
                }
            }
        }
    }

    @Test
    void fpModeLayersLoadWithTheirScalesAndNvfp4GlobalScale() throws IOException {
        Path source = TinyBert.builder().write(dir.resolve("f32"));
        Path folder = dir.resolve("fp");
        Files.createDirectories(folder);
        for (String file : new String[] {"tokenizer.json", "config.json"}) {
            Files.copy(source.resolve(file), folder.resolve(file));
        }
        String mx4 = "encoder.layer.0.intermediate.dense";
        String nv4 = "encoder.layer.0.output.dense";
        String mx8 = "encoder.layer.1.intermediate.dense";
        FpQuantizedTensor[] tensors = new FpQuantizedTensor[3];
        try (SafetensorsFile f32 = SafetensorsFile.open(source.resolve("model.safetensors"))) {
            SafetensorsWriter writer = new SafetensorsWriter().mlxFormat();
            for (TensorInfo t : f32.tensors()) {
                String name = t.name();
                if (name.equals(mx4 + ".weight") || name.equals(nv4 + ".weight") || name.equals(mx8 + ".weight")) {
                    continue;
                }
                writer.add(name, t.dtype(), t.shape(), f32.bytes(name));
            }
            tensors[0] = addFp(writer, f32, mx4, QuantizationMode.MXFP4, null);
            tensors[1] = addFp(writer, f32, nv4, QuantizationMode.NVFP4, 0.5f);
            tensors[2] = addFp(writer, f32, mx8, QuantizationMode.MXFP8, null);
            writer.write(folder.resolve("model.safetensors"));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(folder.resolve("config.json").toFile());
        ObjectNode q = config.putObject("quantization");
        q.put("group_size", 32).put("bits", 4).put("mode", "mxfp4");
        q.putObject(nv4).put("mode", "nvfp4");
        q.putObject(mx8).put("mode", "mxfp8");
        json.writeValue(folder.resolve("config.json").toFile(), config);

        try (ModelDirectory model = ModelDirectory.open(folder)) {
            String[] modules = {mx4, nv4, mx8};
            for (int i = 0; i < 3; i++) {
                LinearWeight w = LinearWeights.load(model, modules[i]);
                assertThat(w).isInstanceOf(FpWeight.class);
                assertThat(((FpWeight) w).mode()).isEqualTo(tensors[i].mode());
                assertThat(w.residentBytes()).isEqualTo(tensorBytes(model.weights(), modules[i]));
                assertRowsEqual(w, FpQuantizer.dequantize(tensors[i]));
            }
            assertThat(LinearWeights.load(model, nv4).storage()).isEqualTo("nvfp4 (global scale 0.5)");
        }
    }

    @Test
    void aTensorThatIsNotAMatrixIsRefused() throws IOException {
        Path folder = TinyBert.builder().write(dir.resolve("f32"));
        try (ModelDirectory model = ModelDirectory.open(folder)) {
            assertThatThrownBy(() -> LinearWeights.load(model, "embeddings.LayerNorm"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a matrix");
            assertThatThrownBy(() -> LinearWeights.load(model, "no.such.module"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tensor 'no.such.module.weight'");
        }
    }

    private static FpQuantizedTensor addFp(SafetensorsWriter writer, SafetensorsFile f32, String module,
                                           QuantizationMode mode, Float global) {
        TensorInfo info = f32.info(module + ".weight");
        int rows = (int) info.dim(0);
        int cols = (int) info.dim(1);
        FpQuantizedTensor t = FpQuantizer.quantize(f32.floats(module + ".weight"), rows, cols, mode,
                mode.defaultBits(), mode.defaultGroupSize(), global);
        writer.add(module + ".weight", DType.U32, new long[] {rows, t.wordsPerRow()}, t.wordBytes());
        writer.add(module + ".scales", DType.U8, new long[] {rows, t.groupsPerRow()}, ByteBuffer.wrap(t.scales()));
        if (global != null) {
            ByteBuffer g = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, global);
            writer.add(module + ".global_scale", DType.F32, new long[0], g);
        }
        return t;
    }

    /** The bytes of a module's stored tensors: weight, scales, biases, global_scale. */
    static long tensorBytes(ModelWeights weights, String module) {
        long total = 0;
        for (String suffix : new String[] {".weight", ".scales", ".biases", ".global_scale"}) {
            if (weights.contains(module + suffix)) {
                total += weights.info(module + suffix).byteSize();
            }
        }
        return total;
    }

    /** The module's QuantizedTensor read straight from the file, without the weight classes. */
    static QuantizedTensor quantizedTensor(ModelDirectory model, String module) {
        ModelWeights weights = model.weights();
        var lq = model.quantizationOf(module).orElseThrow();
        TensorInfo info = weights.info(module + ".weight");
        int[] words = TensorBytes.toInts(info, weights.bytes(module + ".weight"));
        int rows = (int) info.dim(0);
        int cols = (int) (info.dim(1) * 32 / lq.bits());
        return new QuantizedTensor(rows, cols, lq.bits(), lq.groupSize(), weights.info(module + ".scales").dtype(),
                words, weights.floats(module + ".scales"), weights.floats(module + ".biases"));
    }

    static void assertRowsEqual(LinearWeight w, float[] expected) {
        float[] row = new float[w.cols() + 2];
        for (int r = 0; r < w.rows(); r++) {
            w.decodeRow(r, row, 1);
            float[] want = Arrays.copyOfRange(expected, r * w.cols(), (r + 1) * w.cols());
            if (!Arrays.equals(Arrays.copyOfRange(row, 1, w.cols() + 1), want)) {
                assertThat(Arrays.copyOfRange(row, 1, w.cols() + 1)).as("%s row %d", w.storage(), r).containsExactly(want);
            }
        }
    }
}

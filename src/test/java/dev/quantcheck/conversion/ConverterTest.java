package dev.quantcheck.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.LayerQuantization;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.TensorBytes;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.quantization.DTypeCast;
import dev.quantcheck.quantization.Rounding;
import dev.quantcheck.testing.TinyBert;
import dev.quantcheck.testing.WeightEdits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConverterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FFN_OUT = "encoder.layer.0.output.dense";

    @TempDir
    Path dir;

    private Path tiny() throws IOException {
        return TinyBert.builder().intermediate(96).write(dir.resolve("tiny"));
    }

    private static ConversionOptions options(int bits, int groupSize) {
        return ConversionOptions.defaults().withBits(bits).withGroupSize(groupSize);
    }

    private static String[] listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @ParameterizedTest(name = "{0} bits, groups of {1}, {2}")
    @CsvSource({"2,32,F16", "3,32,F16", "4,64,F16", "5,32,BF16", "6,64,F32", "8,32,F16", "8,64,BF16"})
    void everyEligibleLayerIsStoredPackedAndDequantizesWithinOneScaleOfTheCastSource(int bits, int groupSize,
                                                                                   DType dtype) throws IOException {
        Path source = tiny();
        Path out = dir.resolve("out");
        ConversionResult result = Converter.convert(source, out, options(bits, groupSize).withDtype(dtype), false);

        assertThat(result.skipped()).isFalse();
        try (ModelDirectory original = ModelDirectory.open(source);
             ModelDirectory converted = ModelDirectory.open(out)) {
            assertThat(converted.weights().metadata()).containsEntry("format", "mlx");
            for (LayerDecision d : result.decisions()) {
                String module = d.module();
                float[] cast = DTypeCast.round(original.weights().floats(module + ".weight"), dtype);
                if (!d.quantized()) {
                    assertThat(converted.quantizationOf(module)).isEmpty();
                    assertThat(converted.weights().floats(module + ".weight")).containsExactly(cast);
                    continue;
                }
                assertThat(converted.quantizationOf(module)).contains(new LayerQuantization("affine", bits, groupSize));
                TensorInfo w = converted.weights().info(module + ".weight");
                TensorInfo scales = converted.weights().info(module + ".scales");
                assertThat(w.dtype()).isEqualTo(DType.U32);
                assertThat(w.shape()).containsExactly(d.rows(), d.cols() * bits / 32);
                assertThat(scales.dtype()).isEqualTo(dtype);
                assertThat(scales.shape()).containsExactly(d.rows(), d.cols() / groupSize);
                assertWithinOneScale(converted, module, d, cast, bits, groupSize, dtype);
            }
            // LayerNorms and biases keep the dtype
            assertThat(converted.weights().info("encoder.layer.1.output.LayerNorm.weight").dtype()).isEqualTo(dtype);
            assertThat(converted.weights().floats("encoder.layer.1.output.dense.bias"))
                    .containsExactly(DTypeCast.round(original.weights().floats("encoder.layer.1.output.dense.bias"), dtype));
        }
    }

    /**
     * MLX's own check: every dequantized weight is within |scale| of the weight it came from, widened for 16-bit
     * scales by their rounding, about 4u(n_bins |s| + |b|) (mlx-quantized-format.md, section 7).
     */
    private static void assertWithinOneScale(ModelDirectory model, String module, LayerDecision d, float[] source,
                                             int bits, int groupSize, DType dtype) {
        int[] words = TensorBytes.toInts(model.weights().info(module + ".weight"), model.weights().bytes(module + ".weight"));
        float[] scales = model.weights().floats(module + ".scales");
        float[] biases = model.weights().floats(module + ".biases");
        int cols = (int) d.cols();
        int wordsPerRow = cols * bits / 32;
        for (int r = 0; r < d.rows(); r++) {
            for (int c = 0; c < cols; c++) {
                // the LSB-first bit stream of the row, read independently of BitPacking
                long bit = (long) c * bits;
                long window = Integer.toUnsignedLong(words[r * wordsPerRow + (int) (bit / 32)]);
                if (bit % 32 + bits > 32) {
                    window |= Integer.toUnsignedLong(words[r * wordsPerRow + (int) (bit / 32) + 1]) << 32;
                }
                int q = (int) ((window >>> (bit % 32)) & ((1 << bits) - 1));
                int g = r * (cols / groupSize) + c / groupSize;
                float w = scales[g] * q + biases[g];
                double u = dtype == DType.BF16 ? 0x1p-8 : dtype == DType.F16 ? 0x1p-11 : 0;
                double bound = Math.abs(scales[g]) + 1e-6 + 4 * u * (((1 << bits) - 1) * Math.abs(scales[g]) + Math.abs(biases[g]));
                assertThat((double) Math.abs(w - source[r * cols + c])).as("%s [%d, %d]", module, r, c)
                        .isLessThanOrEqualTo(bound);
            }
        }
    }

    @Test
    void aLayerWhoseWidthDoesNotDivideIsKeptInFloatAsMlxEmbeddingsDoes() throws IOException {
        ConversionResult result = Converter.convert(tiny(), dir.resolve("out"), options(4, 64), false);
        LayerDecision ffnOut = result.decisions().stream().filter(d -> d.module().equals(FFN_OUT)).findFirst().orElseThrow();
        assertThat(ffnOut.quantized()).isFalse();
        assertThat(ffnOut.reason()).isEqualTo("kept: last dimension 96 is not divisible by group size 64");
        assertThat(result.metadata().keptLayers()).isEqualTo(2);
        assertThat(result.metadata().quantizedLayers()).isEqualTo(3 + 2 * 5);
    }

    @Test
    void perLayerOverridesAreHonouredAndWrittenToTheConfig() throws IOException {
        Path out = dir.resolve("out");
        Map<String, LayerOverride> overrides = Map.of(
                "embeddings.word_embeddings", LayerOverride.KEEP,
                FFN_OUT, LayerOverride.quantize(8, 32),
                "encoder.layer.1.attention.self.query", LayerOverride.quantize(2, 0));
        Converter.convert(tiny(), out, options(4, 64).withOverrides(overrides), false);

        JsonNode quantization = JSON.readTree(out.resolve("config.json").toFile()).get("quantization");
        assertThat(quantization.get("embeddings.word_embeddings").asBoolean(true)).isFalse();
        assertThat(quantization.get(FFN_OUT).toString()).isEqualTo("{\"bits\":8,\"group_size\":32,\"mode\":\"affine\"}");
        try (ModelDirectory model = ModelDirectory.open(out)) {
            assertThat(model.quantizationOf("embeddings.word_embeddings")).isEmpty();
            assertThat(model.quantizationOf(FFN_OUT)).contains(new LayerQuantization("affine", 8, 32));
            assertThat(model.quantizationOf("encoder.layer.1.attention.self.query"))
                    .contains(new LayerQuantization("affine", 2, 64));
            assertThat(model.quantizationOf("encoder.layer.1.attention.self.key"))
                    .contains(new LayerQuantization("affine", 4, 64));
        }
    }

    @Test
    void anOverrideNamingNoLayerIsRejectedBeforeAnythingIsWritten() throws IOException {
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> Converter.convert(tiny(), out,
                options(4, 64).withOverrides(Map.of("encoder.layer.0.attention.self.qeury", LayerOverride.KEEP)), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the per-layer override 'encoder.layer.0.attention.self.qeury' names no Linear "
                        + "or Embedding layer of");
        assertThat(out).doesNotExist();
        assertThat(listing(dir)).containsExactly("tiny");
    }

    @Test
    void anOverrideWhoseGroupDoesNotDivideTheLayerIsRejected() throws IOException {
        assertThatThrownBy(() -> Converter.convert(tiny(), dir.resolve("out"),
                options(4, 32).withOverrides(Map.of(FFN_OUT, LayerOverride.quantize(4, 64))), false))
                .hasMessageContaining("asks for groups of 64, but its last dimension 96 is not divisible by 64");
    }

    @Test
    void anAlreadyQuantizedSourceIsRejected() throws IOException {
        Path q4 = dir.resolve("q4");
        Converter.convert(tiny(), q4, options(4, 32), false);
        assertThatThrownBy(() -> Converter.convert(q4, dir.resolve("again"), options(8, 32), false))
                .hasMessageContaining("the source is already quantized")
                .hasMessageContaining("Fix: convert from the float original");
        assertThat(dir.resolve("again")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"encoder.layer.1.attention.self.key.weight, 70, NaN, '[1, 6]'",
            "encoder.layer.0.output.LayerNorm.bias, 5, Infinity, '[5]'"})
    void aNonFiniteSourceValueIsNamedAndNothingIsWritten(String tensor, int index, float value, String at)
            throws IOException {
        // a quantized Linear and a LayerNorm kept in float: neither may carry a NaN or Inf into the output
        Path source = tiny();
        WeightEdits.set(source, tensor, index, value);
        assertThatThrownBy(() -> Converter.convert(source, dir.resolve("out"), options(4, 32), false))
                .isInstanceOf(dev.quantcheck.format.ModelDirectoryException.class)
                .hasMessageContaining("the tensor '" + tensor + "' holds " + value + " at " + at)
                .hasMessageContaining("Fix: convert from weights without NaN or Inf");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @ParameterizedTest(name = "output {0}")
    @CsvSource({"tiny, is the source folder", "tiny/q4, lies inside the source folder",
            "., contains the source folder", "tiny/../tiny, is the source folder"})
    void anOutputThatIsInsideOrAroundTheSourceIsRefusedBeforeAnythingIsWritten(String output, String relation)
            throws IOException {
        Path source = tiny();
        String before = dev.quantcheck.format.ContentHash.ofDirectory(source);
        String[] listing = listing(dir);

        assertThatThrownBy(() -> Converter.convert(source, dir.resolve(output), options(4, 32), true))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(relation)
                .hasMessageContaining("would replace the original weights")
                .hasMessageContaining("Fix: choose an output folder outside");

        assertThat(dev.quantcheck.format.ContentHash.ofDirectory(source)).isEqualTo(before);
        assertThat(listing(dir)).containsExactly(listing);
    }

    @Test
    void anOutputThatHoldsSomethingElseIsNeverReplaced() throws IOException {
        // a mistyped --output: a folder of the user's, or a file; an empty folder is fine
        Path source = tiny();
        Path notes = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(notes.resolve("todo.txt"), "mine");
        Path file = Files.writeString(dir.resolve("report.pdf"), "mine too");
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThatThrownBy(() -> Converter.convert(source, notes, options(4, 32), true))
                .hasMessage(notes + " holds files but no conversion_metadata.json, so it is not an output of "
                        + "quantcheck; writing there would delete what is in it. Nothing was changed. Fix: choose a "
                        + "new or empty folder for the output, or delete " + notes + " yourself first");
        assertThatThrownBy(() -> Converter.convert(source, file, options(4, 32), true))
                .hasMessageContaining(file + " is a file, not an output folder; writing there would delete it.");
        Converter.convert(source, empty, options(4, 32), true);

        assertThat(notes.resolve("todo.txt")).hasContent("mine");
        assertThat(file).hasContent("mine too");
        assertThat(empty.resolve("conversion_metadata.json")).exists();
    }

    @Test
    void aSymbolicLinkToTheSourceIsTheSourceToo() throws IOException {
        Path source = tiny();
        Path link = Files.createSymbolicLink(dir.resolve("link"), source);
        assertThatThrownBy(() -> Converter.convert(source, link, options(4, 32), true))
                .hasMessageContaining("is the source folder");
        assertThat(source.resolve("model.safetensors")).exists();
    }

    @Test
    void aSourceThatEmbedWouldRejectIsRefusedBeforeWriting() throws IOException {
        // GIVEN sources that convert used to accept and embed then rejected: a tensor gone from the header, and a
        // weight relabelled I32
        Path missing = tiny();
        WeightEdits.rewrite(missing, (w, t, file) -> {
            if (!t.name().equals("encoder.layer.1.attention.self.value.bias")) {
                w.add(t.name(), t.dtype(), t.shape(), file.bytes(t.name()));
            }
        });
        Path relabelled = TinyBert.builder().intermediate(96).write(dir.resolve("relabelled"));
        WeightEdits.rewrite(relabelled, (w, t, file) -> w.add(t.name(),
                t.name().equals("encoder.layer.0.output.dense.weight") ? DType.I32 : t.dtype(), t.shape(),
                file.bytes(t.name())));

        // THEN convert names the tensor and writes nothing
        assertThatThrownBy(() -> Converter.convert(missing, dir.resolve("out1"), options(4, 32), false))
                .isInstanceOf(dev.quantcheck.format.ModelDirectoryException.class)
                .hasMessageContaining("the tensor 'encoder.layer.1.attention.self.value.bias' is missing");
        assertThatThrownBy(() -> Converter.convert(relabelled, dir.resolve("out2"), options(4, 32), false))
                .isInstanceOf(dev.quantcheck.format.ModelDirectoryException.class)
                .hasMessageContaining("the tensor 'encoder.layer.0.output.dense.weight' is I32, not a float type");
        assertThat(dir.resolve("out1")).doesNotExist();
        assertThat(dir.resolve("out2")).doesNotExist();
    }

    @Test
    void testsDeclaringTheSameModelInParallelConvertItOnceAndShareIt() throws Exception {
        // KEEP_OR_REPLACE is what @QuantizedModel uses: the second waits for the first, then keeps its output
        Path source = tiny();
        Path out = dir.resolve("out");
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Callable<ConversionResult> convert = () -> Converter.convert(source, out,
                    options(4, 32), Converter.Existing.KEEP_OR_REPLACE);
            java.util.List<ConversionResult> results = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<ConversionResult> f : two.invokeAll(java.util.List.of(convert, convert))) {
                results.add(f.get());
            }
            assertThat(results).extracting(ConversionResult::skipped).containsExactlyInAnyOrder(false, true);
        } finally {
            two.shutdownNow();
        }
        assertThat(listing(dir)).containsExactly("out", "tiny");
    }

    @Test
    void anUnwritableOutputIsReportedAndTheSourceUntouched() throws IOException {
        Path source = tiny();
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "a file where the output's parent should be");
        assertThatThrownBy(() -> Converter.convert(source, blocker.resolve("out"), options(4, 32), false))
                .hasMessageContaining("cannot write the converted model to " + blocker.resolve("out"))
                .hasMessageContaining("Nothing was changed there. Fix: choose a writable --output");
        assertThat(blocker).hasContent("a file where the output's parent should be");
    }

    @Test
    void anExistingOutputMadeTheSameWayIsKeptAndOneMadeDifferentlyIsNotSilentlyReused() throws IOException {
        Path source = tiny();
        Path out = dir.resolve("out");
        ConversionResult first = Converter.convert(source, out, options(4, 32), false);
        byte[] weights = Files.readAllBytes(out.resolve("model.safetensors"));

        ConversionResult second = Converter.convert(source, out, options(4, 32), false);
        assertThat(second.skipped()).isTrue();
        assertThat(second.metadata().createdAt()).isEqualTo(first.metadata().createdAt());

        assertThatThrownBy(() -> Converter.convert(source, out, options(8, 32), false))
                .hasMessageContaining("already holds a conversion made differently (bits 4 there, 8 now)")
                .hasMessageContaining("Fix: pass --no-skip to replace it");
        assertThat(out.resolve("model.safetensors")).hasBinaryContent(weights);

        ConversionResult replaced = Converter.convert(source, out, options(8, 32), true);
        assertThat(replaced.skipped()).isFalse();
        assertThat(replaced.metadata().bits()).isEqualTo(8);
        assertThat(listing(dir)).containsExactly("out", "tiny");
    }

    @Test
    void gpuAndCpuRoundingAreRecordedAndCanDiffer() throws IOException {
        Path source = TinyBert.builder().dtype(DType.F16).write(dir.resolve("f16"));
        ConversionResult gpu = Converter.convert(source, dir.resolve("gpu"), options(8, 32), false);
        ConversionResult cpu = Converter.convert(source, dir.resolve("cpu"),
                options(8, 32).withRounding(Rounding.CPU), false);
        assertThat(gpu.metadata().rounding()).isEqualTo("gpu");
        assertThat(cpu.metadata().rounding()).isEqualTo("cpu");
        assertThat(cpu.metadata().roundingMode()).isEqualTo(Rounding.CPU);
    }

    @Test
    void fakeConversionStoresFloat32OnTheGridWithMetadataClaimingTheBits() throws IOException {
        Path source = tiny();
        ConversionResult fake = Converter.convert(source, dir.resolve("fake"), options(8, 32).withFake(true), false);
        assertThat(fake.metadata().bits()).isEqualTo(8);
        assertThat(fake.metadata().fake()).isTrue();
        assertThat(fake.metadata().compressionRatio()).isLessThanOrEqualTo(1.0);
        try (ModelDirectory model = ModelDirectory.open(dir.resolve("fake"))) {
            assertThat(model.isQuantized()).isFalse();
            TensorInfo query = model.weights().info("encoder.layer.0.attention.self.query.weight");
            assertThat(query.dtype()).isEqualTo(DType.F32);
            // every group of 32 has at most 2^8 distinct values, all on one affine grid: at most 32 here
            float[] v = model.weights().floats(query.name());
            assertThat(v).doesNotContain(Float.NaN);
        }
    }
}

package dev.quantcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.ModelDirectoryException;
import dev.quantcheck.format.ModelWeights;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.quantization.AffineQuantizer;
import dev.quantcheck.quantization.DTypeCast;
import dev.quantcheck.quantization.QuantizedTensor;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "encoder.layer.0.attention.self.query";
    private static final String KEY = "encoder.layer.0.attention.self.key";

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /**
     * A tiny F16 BERT whose layer-0 query is packed at 4 bits in groups of 64, whose layer-0 key is float16 on a
     * 4-bit grid, and whose layer-1 value weight holds a NaN at [5, 9].
     */
    private Path tinyMixed() throws IOException {
        Path model = TinyBert.builder().dtype(DType.F16).write(dir.resolve("tiny"));
        Path file = model.resolve("model.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter().mlxFormat();
        try (ModelWeights weights = ModelWeights.open(model)) {
            for (String name : weights.names()) {
                var info = weights.info(name);
                if (name.equals(QUERY + ".weight")) {
                    QuantizedTensor q = AffineQuantizer.quantize(weights.floats(name), 64, 64, 4, 64, DType.F16);
                    writer.add(name, DType.U32, new long[] {64, 8}, q.wordBytes());
                    writer.add(QUERY + ".scales", DType.F16, new long[] {64, 1}, q.scaleBytes());
                    writer.add(QUERY + ".biases", DType.F16, new long[] {64, 1}, q.biasBytes());
                } else if (name.equals(KEY + ".weight")) {
                    QuantizedTensor q = AffineQuantizer.quantize(weights.floats(name), 64, 64, 4, 32, DType.F16);
                    writer.addFloats(name, DType.F16, info.shape(), DTypeCast.round(AffineQuantizer.dequantize(q),
                            DType.F16));
                } else if (name.equals("encoder.layer.1.attention.self.value.weight")) {
                    float[] values = weights.floats(name);
                    values[5 * 64 + 9] = Float.NaN;
                    writer.addFloats(name, DType.F16, info.shape(), values);
                } else {
                    writer.add(name, info.dtype(), info.shape(), weights.bytes(name));
                }
            }
            writer.write(dir.resolve("new.safetensors"));
        }
        Files.move(dir.resolve("new.safetensors"), file, StandardCopyOption.REPLACE_EXISTING);
        ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
        config.putObject("quantization").put("group_size", 64).put("bits", 4).put("mode", "affine");
        JSON.writeValue(model.resolve("config.json").toFile(), config);
        return model;
    }

    @Test
    void printsOneRowPerLayerThenTheTotalsAndTheVerdict() throws IOException {
        Path model = tinyMixed();

        CliRun result = run("inspect", model.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        String out = result.out();
        assertThat(out).contains("Model " + model)
                .containsPattern("LAYER +SHAPE +STORAGE +BITS +GROUP +BYTES +BITS/W +VERDICT");
        // 64x64 at 4 bits: 2,048 bytes of codes + 2 x 64 fp16 scales and biases = 2,304 bytes, 4.5 bits per weight
        assertThat(out).containsPattern(QUERY.replace(".", "\\.")
                + "\\.weight +\\[64, 64\\] +U32 packed +4 +64 +2,304 +4\\.50 +TRUE_QUANTIZED");
        assertThat(out).containsPattern(KEY.replace(".", "\\.")
                + "\\.weight +\\[64, 64\\] +F16 +4 +32 +8,192 +16\\.00 +FAKE_QUANTIZED");
        assertThat(out).containsPattern(
                "embeddings\\.LayerNorm\\.bias +\\[64\\] +F16 +- +- +128 +16\\.00 +NOT_QUANTIZED");
        try (ModelDirectory m = ModelDirectory.open(model)) {
            long bytes = m.weights().tensorBytes();
            assertThat(out).contains(String.format(java.util.Locale.ROOT, "Total    %,d bytes (%.2f MB)", bytes,
                    bytes / 1e6));
        }
        assertThat(out).contains("Verdict  MIXED: 1 of 15 Linear/Embedding weights are packed U32 (affine 4-bit, "
                + "groups of 64), 14 are not: 1 fake-quantized float16 (" + KEY + ".weight), 13 plain float16");
        assertThat(out).contains("NaN/Inf  in 1 tensor:",
                "encoder.layer.1.attention.self.value.weight: 1 NaN, 0 Inf, first NaN at [5, 9]");
        assertThat(out).doesNotContain("Statistics");
    }

    @Test
    void jsonHasTheVerdictTheTotalsAndEveryLayer() throws IOException {
        Path model = tinyMixed();

        CliRun result = run("inspect", "--json", model.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = JSON.readTree(result.out());
        assertThat(json.get("verdict").asText()).isEqualTo("MIXED");
        try (ModelDirectory m = ModelDirectory.open(model)) {
            assertThat(json.get("total_bytes").asLong()).isEqualTo(m.weights().tensorBytes());
            assertThat(json.get("layers")).hasSize(m.weights().names().size() - 2);
        }
        JsonNode query = layer(json, QUERY + ".weight");
        assertThat(query.get("shape").toString()).isEqualTo("[64,64]");
        assertThat(query.get("storage").asText()).isEqualTo("U32 packed");
        assertThat(query.get("bits").asInt()).isEqualTo(4);
        assertThat(query.get("group_size").asInt()).isEqualTo(64);
        assertThat(query.get("bytes").asLong()).isEqualTo(2304);
        assertThat(query.get("bits_per_weight").asDouble()).isEqualTo(4.5);
        assertThat(query.get("verdict").asText()).isEqualTo("TRUE_QUANTIZED");
        assertThat(query.get("tensors").toString()).isEqualTo("[\"" + QUERY + ".weight\",\"" + QUERY + ".scales\",\""
                + QUERY + ".biases\"]");
        JsonNode key = layer(json, KEY + ".weight");
        assertThat(key.get("verdict").asText()).isEqualTo("FAKE_QUANTIZED");
        assertThat(key.get("grid").get("bits").asInt()).isEqualTo(4);
        assertThat(key.get("grid").get("group_size").asInt()).isEqualTo(32);
        assertThat(key.get("evidence").asText()).startsWith("float16 on a 4-bit grid in groups of 32");
        JsonNode norm = layer(json, "embeddings.LayerNorm.weight");
        assertThat(norm.get("bits").isNull()).isTrue();
        assertThat(norm.get("group_size").isNull()).isTrue();
        JsonNode value = layer(json, "encoder.layer.1.attention.self.value.weight");
        assertThat(value.get("nan_count").asLong()).isEqualTo(1);
        assertThat(value.get("inf_count").asLong()).isZero();
        assertThat(value.get("non_finite").get(0).get("first_index").toString()).isEqualTo("[5,9]");
        assertThat(value.has("statistics")).isFalse();
    }

    @Test
    void verboseAddsStatisticsAndEachLayersEvidence() throws IOException {
        Path model = tinyMixed();

        CliRun result = run("inspect", "--verbose", model.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Statistics (min/max dequantized for packed layers")
                .containsPattern("LAYER +MIN +MAX +DISTINCT/GROUP MAX,MED +NAN +INF")
                .containsPattern(KEY.replace(".", "\\.")
                        + "\\.weight +-?[0-9.]+ +[0-9.]+ +\\d+, [0-9.]+ \\(of 32\\) +0 +0")
                .containsPattern("encoder\\.layer\\.1\\.attention\\.self\\.value\\.weight .* 1 +0\\n")
                .contains("Evidence", "  " + QUERY + ".weight: packed U32: affine 4-bit codes in groups of 64 with F16 "
                        + "scales and biases");
        JsonNode json = JSON.readTree(run("inspect", "--verbose", "--json", model.toString()).out());
        JsonNode stats = layer(json, KEY + ".weight").get("statistics");
        assertThat(stats.get("distinct_per_group").get("max").asInt()).isLessThanOrEqualTo(16);
        assertThat(stats.get("min").asDouble()).isLessThan(stats.get("max").asDouble());
    }

    @Test
    void theRealMiniLmIsNotQuantized() throws IOException {
        CliRun result = run("inspect", dev.quantcheck.models.BuiltinModels.miniLm().toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Verdict  NOT_QUANTIZED: none of the 39 Linear/Embedding weights is packed "
                        + "or on a quantization grid; stored as float32 (32 bits per weight)")
                .containsPattern("embeddings\\.word_embeddings\\.weight +\\[30522, 384\\] +F32 +- +- +46,881,792 "
                        + "+32\\.00 +NOT_QUANTIZED")
                .contains("at 32.00 bits per weight on average");
    }

    @Test
    void aBadFolderPrintsTheModelDirectoryMessage() {
        Path missing = dir.resolve("no-such-model");
        String expected = catchMessage(missing);

        CliRun result = run("inspect", missing.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().strip()).isEqualTo("quantcheck inspect: " + expected);
    }

    @Test
    void aFolderWithoutWeightsPrintsTheModelDirectoryMessage() throws IOException {
        Path model = TinyBert.builder().write(dir.resolve("tiny"));
        Files.delete(model.resolve("model.safetensors"));

        CliRun result = run("inspect", model.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("quantcheck inspect: ").contains("model.safetensors");
    }

    @Test
    void helpDescribesTheVerdictsAndOptions() {
        CliRun result = run("inspect", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: quantcheck inspect", "DIR", "--json", "--verbose", "MIXED",
                "FAKE_QUANTIZED");
    }

    @Test
    void theCommandRunsOnItsOwnCommandLineToo() throws IOException {
        Path model = TinyBert.builder().write(dir.resolve("tiny"));
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new InspectCommand());
        cli.setOut(new PrintWriter(out, true));

        int code = cli.execute(model.toString());

        assertThat(code).isZero();
        assertThat(out.toString()).contains("Verdict  NOT_QUANTIZED: none of the 15 Linear/Embedding weights");
    }

    private static JsonNode layer(JsonNode report, String name) {
        for (JsonNode l : report.get("layers")) {
            if (l.get("name").asText().equals(name)) {
                return l;
            }
        }
        throw new AssertionError("no layer " + name + " in " + report);
    }

    private static String catchMessage(Path model) {
        Throwable[] caught = new Throwable[1];
        assertThatThrownBy(() -> ModelDirectory.open(model)).isInstanceOf(ModelDirectoryException.class)
                .satisfies(e -> caught[0] = e);
        return caught[0].getMessage();
    }
}

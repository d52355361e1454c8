package dev.quantcheck.inference;

import dev.quantcheck.conversion.ModelEntry;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.conversion.QualityThresholds;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.GateCheck;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.BuiltinTexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The real MiniLM converted at 8 and 4 bits, run from its packed weights. */
class QuantizedEncoderTest {
    @TempDir
    static Path dir;
    static Encoder fp32;

    @BeforeAll
    static void load() throws IOException {
        fp32 = Encoder.load(BuiltinModels.miniLm());
    }

    @AfterAll
    static void close() throws IOException {
        fp32.close();
    }

    /** The MiniLM converted as config/models.yaml's entry at {@code bits} says. */
    static Path converted(int bits) throws IOException {
        Path out = dir.resolve("q" + bits);
        ModelEntry entry = ModelsConfig.loadDefault().entry("all-minilm-l6-v2", bits);
        Converter.convert(BuiltinModels.miniLm(), out, entry.conversionOptions(), false);
        return out;
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {8, 4})
    void residentBytesStayWithinTenPercentOfTheWeightFile(int bits) throws IOException {
        Path model = converted(bits);
        try (Encoder q = Encoder.load(model)) {
            long file = Files.size(model.resolve("model.safetensors"));
            assertThat((double) q.residentBytes()).isBetween(0.9 * file, 1.1 * file);
        }
    }

    @Test
    void fp32ResidentBytesMatchTheWeightFile() throws IOException {
        long file = Files.size(BuiltinModels.miniLm().resolve("model.safetensors"));
        assertThat((double) fp32.residentBytes()).isBetween(0.9 * file, 1.1 * file);
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {8, 4})
    void embeddingsMeetEveryGateOfModelsYaml(int bits) throws IOException {
        QualityThresholds gates = ModelsConfig.loadDefault().entry("all-minilm-l6-v2", bits).thresholds();
        List<GateCheck> checks = gatesOn(converted(bits), gates);
        assertThat(checks).extracting(GateCheck::gate).containsExactly("mean_cosine", "min_cosine", "mse",
                "max_abs_diff", "p01_cosine", "top10_overlap", "pairwise_spearman");
        assertThat(checks).allSatisfy(g -> assertThat(g.passed()).as(g.toString()).isTrue());
    }

    /**
     * The 4-bit gates are set so that they can fail: the same conversion in MLX's default groups of 64 instead of
     * the configured 32 (4.5 bits per weight instead of 5) misses them.
     */
    @Test
    void theFourBitGatesRejectMlxsDefaultGroupsOf64() throws IOException {
        ModelEntry entry = ModelsConfig.loadDefault().entry("all-minilm-l6-v2", 4);
        Path g64 = dir.resolve("q4-g64");
        Converter.convert(BuiltinModels.miniLm(), g64, entry.conversionOptions().withGroupSize(64), false);
        List<GateCheck> checks = gatesOn(g64, entry.thresholds());
        assertThat(checks.stream().filter(g -> !g.passed()).map(GateCheck::gate))
                .as(checks.toString()).contains("mean_cosine", "p01_cosine", "pairwise_spearman");
    }

    /** The gates judged on the first 200 texts of the built-in corpus. */
    private static List<GateCheck> gatesOn(Path model, QualityThresholds gates) throws IOException {
        List<String> texts = BuiltinTexts.first(200);
        try (Encoder q = Encoder.load(model)) {
            return GateCheck.of(gates, EmbeddingComparison.of(texts, fp32.embed(texts), q.embed(texts)));
        }
    }
}

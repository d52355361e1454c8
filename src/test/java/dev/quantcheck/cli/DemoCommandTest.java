package dev.quantcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The main job, end to end on the real MiniLM, on a smaller corpus and fewer timed passes. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsThePlansResultsTableAndWritesTheResults() throws IOException {
        CliRun run = CliRun.of("demo", "--limit", "120", "--max-pairs", "60", "--iterations", "2", "--results",
                dir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("[1/6] Importing", "[6/6] Results", "Corpus: builtin:all, 120 texts",
                "| Metric                 | fake 8-bit (v1)    | true 8-bit         | true 4-bit         |",
                "FAKE_QUANTIZED: 39 of 39 Linear/Embedding weights are float32 on an 8-bit grid");
        JsonNode results = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        JsonNode models = results.get("models");
        assertThat(models).hasSize(3);
        assertThat(models.get(0).get("verdict").asText()).isEqualTo("FAKE_QUANTIZED");
        assertThat(models.get(1).get("verdict").asText()).isEqualTo("TRUE_QUANTIZED");
        assertThat(models.get(2).get("verdict").asText()).isEqualTo("TRUE_QUANTIZED");
        // the fake is no smaller than the original; the true conversions are
        assertThat(models.get(0).at("/conversion/quantization/compression_ratio").asDouble()).isLessThan(1.01);
        assertThat(models.get(1).at("/conversion/quantization/compression_ratio").asDouble()).isGreaterThan(3.5);
        assertThat(models.get(2).at("/conversion/quantization/compression_ratio").asDouble()).isGreaterThan(6);
        assertThat(models.get(1).at("/comparison/cosine/mean").asDouble()).isGreaterThan(0.99);
        assertThat(results.get("corpus").asText()).isEqualTo("builtin:all, 120 texts");
        // the gates of config/models.yaml, judged on this run: the true conversions meet theirs
        for (int m = 1; m < 3; m++) {
            assertThat(models.get(m).get("gates")).isNotEmpty()
                    .allSatisfy(g -> assertThat(g.get("passed").asBoolean()).as(g.toString()).isTrue());
        }
        assertThat(dir.resolve("results.md")).content().contains("Verdict");
        assertThat(dir.resolve("inspect-true-8-bit.json")).exists();
    }
}

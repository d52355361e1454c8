package dev.quantcheck.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantcheck.metrics.EmbeddingComparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Results of our own (the demo's), written side by side: each keeps its own steps and attachments. */
class ResultsWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void interleavedResultsKeepTheirOwnStepsAndAttachments() throws IOException {
        // GIVEN two results open at once, written to in turns as the demo does
        ResultsWriter writer = Reports.allureResults(dir).orElseThrow();
        ReportContent a = ReportContent.of(writer.start("model A", "quantcheck.test.a"));
        ReportContent b = ReportContent.of(writer.start("model B", "quantcheck.test.b"));
        List<String> texts = List.of("one", "two", "three", "four");
        float[][] reference = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}};
        float[][] candidate = {{1, 0.1f, 0}, {0, 1, 0.1f}, {0.1f, 0, 1}, {1, 1, 0.1f}};
        EmbeddingComparison comparison = EmbeddingComparison.of(texts, reference, candidate);

        // WHEN
        a.model(new ModelFacts("tiny", 4, 32, "gpu", "float16", false, dir.resolve("a")),
                List.of(new PastStep("convert", 1_000, 2_000)), () -> {
                    throw new IllegalStateException("no weights here");
                });
        Integer answer = b.step("embed", () -> 42);
        a.comparison("candidate-a", "reference", "4 inline texts", comparison, new float[][][] {reference, candidate},
                0.99, "min cosine gate");
        b.sink().parameter("median_ms", "3.5", false);
        writer.finish(a.sink(), ResultsWriter.Outcome.FAILED, "min cosine 0.99 is below the gate", 500, 3_000);
        writer.finish(b.sink(), ResultsWriter.Outcome.PASSED, null, 600, 3_100);
        writer.environment(new LinkedHashMap<>(Map.of("quantcheck", "test")));

        // THEN
        assertThat(answer).isEqualTo(42);
        Map<String, JsonNode> results = results();
        JsonNode ra = results.get("model A");
        JsonNode rb = results.get("model B");
        assertThat(ra.path("status").asText()).isEqualTo("failed");
        assertThat(ra.at("/statusDetails/message").asText()).isEqualTo("min cosine 0.99 is below the gate");
        assertThat(ra.path("start").asLong()).isEqualTo(500);
        assertThat(ra.path("stop").asLong()).isEqualTo(3_000);
        assertThat(ra.path("fullName").asText()).isEqualTo("quantcheck.test.a");
        assertThat(ra.path("historyId").asText()).isNotEqualTo(rb.path("historyId").asText()).hasSize(32);
        assertThat(names(ra.path("steps"))).containsExactly("model tiny q4 g32");
        assertThat(names(ra.at("/steps/0/steps"))).containsExactly("convert", "inspect a");
        assertThat(names(ra.at("/steps/0/steps/1/attachments"))).containsExactly("quantization report.txt");
        assertThat(Files.readString(dir.resolve(ra.at("/steps/0/steps/1/attachments/0/source").asText())))
                .isEqualTo("the model could not be inspected: java.lang.IllegalStateException: no weights here");
        assertThat(names(ra.path("attachments"))).containsExactly("quantcheck metrics.json", "per-text cosine.csv",
                "cosine histogram.png", "pairwise similarities.png");
        assertThat(rb.path("status").asText()).isEqualTo("passed");
        assertThat(names(rb.path("steps"))).containsExactly("embed");
        assertThat(rb.path("attachments")).isEmpty();
        assertThat(rb.path("parameters").get(0).path("name").asText()).isEqualTo("median_ms");
        assertThat(dir.resolve("environment.properties")).content().isEqualTo("quantcheck=test\n");
    }

    @Test
    void aFailingStepIsMarkedAndItsExceptionPassesThroughUnchanged() throws IOException {
        ResultsWriter writer = Reports.allureResults(dir).orElseThrow();
        ReportContent r = ReportContent.of(writer.start("model", "quantcheck.test.c"));

        IOException thrown = null;
        try {
            r.step("read", () -> {
                throw new IOException("disk gone");
            });
        } catch (IOException e) {
            thrown = e;
        }
        writer.finish(r.sink(), ResultsWriter.Outcome.BROKEN, "disk gone", 0, 1);

        assertThat(thrown).hasMessage("disk gone");
        JsonNode step = results().get("model").at("/steps/0");
        assertThat(step.path("name").asText()).isEqualTo("read");
        assertThat(step.path("status").asText()).isEqualTo("broken");
        assertThat(step.at("/statusDetails/message").asText()).contains("disk gone");
    }

    private Map<String, JsonNode> results() throws IOException {
        Map<String, JsonNode> out = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith("-result.json")).toList()) {
                JsonNode r = JSON.readTree(f.toFile());
                out.put(r.path("name").asText(), r);
            }
        }
        return out;
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }
}

package dev.quantcheck.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantcheck.assertions.QuantCheckAssertions;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.junit.Embeddings;
import dev.quantcheck.junit.QuantCheckTest;
import dev.quantcheck.junit.QuantizedModel;
import dev.quantcheck.junit.ReferenceEmbeddings;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.junitplatform.AllureJunitPlatform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * What a user's test class leaves in Allure results: the fixture {@link QualityGates} runs through a JUnit launcher
 * with Allure's listener writing into a folder of its own, then the result files are read as a report would.
 */
class AllureResultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path results;

    static JsonNode passed;
    static JsonNode failed;

    /** The MiniLM q4 on the first 24 texts of the built-in corpus, against a gate it meets and one it cannot. */
    @QuantCheckTest
    static class QualityGates {
        @QuantizedModel(model = "all-minilm-l6-v2", bits = 4)
        Encoder q4;

        @ReferenceEmbeddings(model = "all-minilm-l6-v2", corpus = "builtin:all", limit = 24)
        Embeddings reference;

        @Test
        void meetsItsGate() {
            QuantCheckAssertions.assertThat(reference.compareWith(q4)).hasMeanCosineAtLeast(0.95);
        }

        @Test
        void missesAnImpossibleGate() {
            QuantCheckAssertions.assertThat(reference.compareWith(q4)).hasMeanCosineAtLeast(0.9999);
        }
    }

    @BeforeAll
    static void runTheFixtureUnderAllure() throws IOException {
        AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
        AllureLifecycle surefires = Allure.getLifecycle();
        Allure.setLifecycle(lifecycle);
        try {
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                    .enableTestExecutionListenerAutoRegistration(false)
                    .addTestExecutionListeners(new AllureJunitPlatform(lifecycle)).build());
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(QualityGates.class)).build());
        } finally {
            Allure.setLifecycle(surefires);
        }
        try (Stream<Path> files = Files.list(results)) {
            for (Path f : files.filter(f -> f.toString().endsWith("-result.json")).toList()) {
                JsonNode r = JSON.readTree(f.toFile());
                if (r.path("name").asText().startsWith("meetsItsGate")) {
                    passed = r;
                } else if (r.path("name").asText().startsWith("missesAnImpossibleGate")) {
                    failed = r;
                }
            }
        }
    }

    @Test
    void resultsAreGroupedByModelAndBitWidth() {
        assertThat(labels(passed)).containsEntry("epic", List.of("quantcheck"))
                .containsEntry("feature", List.of("all-minilm-l6-v2")).containsEntry("story", List.of("q4"))
                .containsEntry("quantcheck_bits", List.of("4")).containsEntry("quantcheck_band", List.of("GOOD"));
    }

    @Test
    void identityParametersShapeHistoryAndMeasuredOnesDoNot() {
        Map<String, JsonNode> p = parameters(passed);
        assertThat(p.get("model").path("value").asText()).isEqualTo("all-minilm-l6-v2");
        assertThat(p.get("bits").path("value").asText()).isEqualTo("4");
        assertThat(p.get("group size").path("value").asText()).isEqualTo("32");
        assertThat(p.get("rounding").path("value").asText()).isEqualTo("gpu");
        assertThat(p.get("corpus").path("value").asText()).isEqualTo("builtin:all, 24 texts");
        assertThat(p.get("reference").path("value").asText()).isEqualTo("all-minilm-l6-v2");
        for (String identity : List.of("model", "bits", "group size", "rounding", "corpus", "reference")) {
            assertThat(p.get(identity).path("excluded").asBoolean()).as(identity).isFalse();
        }
        for (String varying : List.of("path", "mean_cosine", "min_cosine", "p01_cosine", "mse", "max_abs_diff",
                "spearman", "band")) {
            assertThat(p.get(varying).path("excluded").asBoolean()).as(varying).isTrue();
        }
        assertThat(Double.parseDouble(p.get("mean_cosine").path("value").asText())).isBetween(0.95, 0.99);
    }

    @Test
    void stepsShowLoadConvertEmbedAndCompare() {
        List<String> steps = stepNames(passed.path("steps"), "");
        assertThat(steps).contains("model all-minilm-l6-v2 q4 g32",
                "  convert all-minilm-l6-v2 to 4 bits in groups of 32: kept the existing conversion",
                "  inspect all-minilm-l6-v2-mlx-q4",
                "compare all-minilm-l6-v2-mlx-q4 with all-minilm-l6-v2 on 24 texts",
                "  embed 24 reference texts with all-minilm-l6-v2",
                "  embed 24 texts with all-minilm-l6-v2-mlx-q4",
                "  compute the metrics");
        assertThat(steps).anyMatch(s -> s.startsWith("  load all-minilm-l6-v2-mlx-q4 ("));
    }

    @Test
    void attachmentsHoldTheMetricsTheTableThePlotsAndTheQuantizationReport() throws IOException {
        Map<String, Path> a = attachments(passed);
        assertThat(a).containsKeys("quantcheck metrics.json", "per-text cosine.csv", "cosine histogram.png",
                "pairwise similarities.png", "quantization report.txt", "quantization report.json");

        JsonNode metrics = JSON.readTree(a.get("quantcheck metrics.json").toFile());
        assertThat(metrics.path("candidate").asText()).isEqualTo("all-minilm-l6-v2-mlx-q4");
        assertThat(metrics.path("n_texts").asInt()).isEqualTo(24);
        // the histogram's line: the q4 entry's min cosine gate
        assertThat(metrics.path("threshold").asDouble())
                .isEqualTo(ModelsConfig.loadDefault().entry("all-minilm-l6-v2", 4).thresholds().minCosine());
        assertThat(metrics.at("/cosine/mean").asDouble()).isEqualTo(
                Double.parseDouble(parameters(passed).get("mean_cosine").path("value").asText()), within(1e-5));
        List<String> csv = Files.readAllLines(a.get("per-text cosine.csv"));
        assertThat(csv).hasSize(25).first().isEqualTo("index,text,cosine,mse,max_abs_diff");
        assertThat(Files.readAllBytes(a.get("cosine histogram.png"))).startsWith(Plot.PNG_SIGNATURE);
        assertThat(Files.readAllBytes(a.get("pairwise similarities.png"))).startsWith(Plot.PNG_SIGNATURE);
        assertThat(Files.readString(a.get("quantization report.txt")))
                .contains("LAYER", "U32 packed", "Verdict  TRUE_QUANTIZED");
    }

    @Test
    void aFailedGateSaysWhereTheErrorEnters() throws IOException {
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        String message = failed.at("/statusDetails/message").asText();
        assertThat(message).startsWith("expected mean cosine >= 0.9999 but was ")
                .contains(System.lineSeparator() + "Layer diagnosis of all-minilm-l6-v2-mlx-q4 on the first 24 texts: "
                        + "error enters mostly at ");
        assertThat(failed.path("description").asText()).startsWith("**Where the error enters** (layer diagnosis on 24 "
                + "texts): error enters mostly at");
        assertThat(parameters(failed).get("error_enters").path("value").asText()).matches("layer \\d|the embeddings");
        assertThat(stepNames(failed.path("steps"), "")).contains("layer diagnosis of all-minilm-l6-v2-mlx-q4 on 24 texts");
        Map<String, Path> a = attachments(failed);
        assertThat(Files.readAllBytes(a.get("layer errors.png"))).startsWith(Plot.PNG_SIGNATURE);
        assertThat(Files.readString(a.get("layer diagnosis.txt"), StandardCharsets.UTF_8)).contains("encoder.layer.5");
        assertThat(JSON.readTree(a.get("layer diagnosis.json").toFile()).path("layers")).hasSize(7);
    }

    @Test
    void aPassingTestRunsNoDiagnosis() {
        assertThat(passed.path("status").asText()).isEqualTo("passed");
        assertThat(attachments(passed)).doesNotContainKey("layer errors.png");
        assertThat(parameters(passed)).doesNotContainKey("error_enters");
    }

    // ---------------------------------------------------------------- reading results

    private static Map<String, List<String>> labels(JsonNode result) {
        Map<String, List<String>> out = new HashMap<>();
        result.path("labels").forEach(l -> out.computeIfAbsent(l.path("name").asText(), k -> new ArrayList<>())
                .add(l.path("value").asText()));
        return out;
    }

    private static Map<String, JsonNode> parameters(JsonNode result) {
        Map<String, JsonNode> out = new HashMap<>();
        result.path("parameters").forEach(p -> out.put(p.path("name").asText(), p));
        return out;
    }

    /** Step names, indented two spaces per level. */
    private static List<String> stepNames(JsonNode steps, String indent) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : steps) {
            out.add(indent + s.path("name").asText());
            out.addAll(stepNames(s.path("steps"), indent + "  "));
        }
        return out;
    }

    /** Every attachment of the result and its steps, by name. */
    private static Map<String, Path> attachments(JsonNode node) {
        Map<String, Path> out = new HashMap<>();
        node.path("attachments").forEach(a -> out.put(a.path("name").asText(), results.resolve(a.path("source").asText())));
        node.path("steps").forEach(s -> out.putAll(attachments(s)));
        return out;
    }

    private static org.assertj.core.data.Offset<Double> within(double offset) {
        return org.assertj.core.data.Offset.offset(offset);
    }
}

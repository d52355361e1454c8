package dev.quantcheck.reporting;

import dev.quantcheck.assertions.QuantCheckAssertions;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.junit.Embeddings;
import dev.quantcheck.junit.QuantCheckTest;
import dev.quantcheck.junit.QuantizedModel;
import dev.quantcheck.junit.ReferenceEmbeddings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.opentest4j.AssertionFailedError;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * A failed gate after {@code Embeddings.compareWith} carries the layer diagnosis in its message, whatever runs the
 * tests: here JUnit's engine test kit, with no Allure result to write to.
 */
class FailureDiagnosisTest {
    static final String DIAGNOSE = "quantcheck.diagnoseFailures";
    static final String NOTE = "Layer diagnosis of all-minilm-l6-v2-mlx-q4 on the first 12 texts: error enters mostly at ";

    @QuantCheckTest
    static class Gates {
        @QuantizedModel(model = "all-minilm-l6-v2", bits = 4)
        Encoder q4;

        @ReferenceEmbeddings(model = "all-minilm-l6-v2", corpus = "builtin:all", limit = 12)
        Embeddings reference;

        @Test
        void impossibleGate() {
            QuantCheckAssertions.assertThat(reference.compareWith(q4)).hasMinCosineAtLeast(0.9999);
        }

        @Test
        void failureWithExpectedAndActual() {
            double mean = reference.compareWith(q4).meanCosine();
            throw new AssertionFailedError("mean cosine too low", 0.9999, mean);
        }

        @Test
        void noComparisonNoDiagnosis() {
            assertThat(1).isEqualTo(2);
        }
    }

    @AfterEach
    void clear() {
        System.clearProperty(DIAGNOSE);
    }

    @Test
    void theMessageKeepsItsStartAndTypeAndGainsWhereTheErrorEnters() {
        System.setProperty(DIAGNOSE, "false");
        Throwable plain = failure(run("impossibleGate"));
        System.clearProperty(DIAGNOSE);
        EngineExecutionResults results = run("impossibleGate");
        Throwable diagnosed = failure(results);

        assertThat(plain.getMessage()).startsWith("expected min cosine >= 0.9999 but was ").doesNotContain(NOTE);
        assertThat(diagnosed).isExactlyInstanceOf(AssertionError.class);
        assertThat(diagnosed.getMessage()).startsWith(plain.getMessage() + System.lineSeparator() + NOTE);
        assertThat(diagnosed.getStackTrace()[0].getMethodName()).isEqualTo("impossibleGate");
        Map<String, String> entries = entries(results);
        assertThat(entries.get("quantcheck.all-minilm-l6-v2-mlx-q4.diagnosis")).startsWith("error enters mostly at ");
        assertThat(entries).containsKey("quantcheck.all-minilm-l6-v2-mlx-q4.cosine.mean");
    }

    @Test
    void anOpentest4jFailureKeepsExpectedAndActual() {
        Throwable diagnosed = failure(run("failureWithExpectedAndActual"));

        assertThat(diagnosed).isExactlyInstanceOf(AssertionFailedError.class);
        AssertionFailedError failed = (AssertionFailedError) diagnosed;
        assertThat(failed.getMessage()).startsWith("mean cosine too low" + System.lineSeparator() + NOTE);
        assertThat(failed.getExpected().getValue()).isEqualTo(0.9999);
        assertThat((Double) failed.getActual().getValue()).isBetween(0.9, 0.99);
    }

    @Test
    void aTestThatComparedNothingIsLeftAlone() {
        Throwable failure = failure(run("noComparisonNoDiagnosis"));

        assertThat(failure.getMessage()).doesNotContain("Layer diagnosis");
    }

    private static EngineExecutionResults run(String method) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectMethod(Gates.class, method)).execute();
    }

    private static Throwable failure(EngineExecutionResults results) {
        List<Event> finished = results.testEvents().finished().list();
        assertThat(finished).hasSize(1);
        TestExecutionResult result = finished.get(0).getRequiredPayload(TestExecutionResult.class);
        assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        return result.getThrowable().orElseThrow();
    }

    private static Map<String, String> entries(EngineExecutionResults results) {
        Map<String, String> all = new java.util.HashMap<>();
        results.allEvents().reportingEntryPublished().list().forEach(e ->
                all.putAll(e.getRequiredPayload(ReportEntry.class).getKeyValuePairs()));
        return all;
    }
}

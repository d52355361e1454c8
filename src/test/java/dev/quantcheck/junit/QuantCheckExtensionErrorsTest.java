package dev.quantcheck.junit;

import dev.quantcheck.inference.Encoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/** Misuse, goldens and report entries, run through JUnit's own engine test kit so that events can be inspected. */
class QuantCheckExtensionErrorsTest {
    @TempDir
    static Path dir;

    static Path golden;

    @AfterEach
    void clearProperties() {
        System.clearProperty(GoldenFile.UPDATE_PROPERTY);
        System.clearProperty("quantcheck.ci");
    }

    private static Events run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    static class WrongType {
        @QuantizedModel(model = "all-minilm-l6-v2", bits = 8)
        String model;

        @Test
        @ExtendWith(QuantCheckExtension.class)
        void test() {
        }
    }

    @Test
    void aFieldOfAnUnsupportedTypeIsNamed() {
        run(WrongType.class).assertThatEvents().haveExactly(1, finishedWithFailure(message(m -> m.contains(
                "@QuantizedModel on field WrongType.model of type String: declare it as Encoder, ModelUnderTest or Path"))));
    }

    @ExtendWith(QuantCheckExtension.class)
    static class TwoSources {
        @QuantizedModel(model = "all-minilm-l6-v2", path = "models/mlx/x")
        Encoder model;

        @Test
        void test() {
        }
    }

    @Test
    void aModelWithTwoOriginsIsAConfigurationError() {
        run(TwoSources.class).assertThatEvents().haveExactly(1, finishedWithFailure(message(m -> m.contains(
                "@QuantizedModel needs exactly one of path, model or source; it gives 2"))));
    }

    @ExtendWith(QuantCheckExtension.class)
    static class UsesGolden {
        @Test
        void test(@ReferenceEmbeddings(source = "builtin:all-minilm-l6-v2", texts = {"A man strums a guitar on the porch."},
                golden = "GOLDEN") Embeddings reference) {
            assertThat(reference.vectors()[0]).hasSize(384);
        }
    }

    /** The golden path is fixed in the annotation, so the test kit classes run in a working copy of it. */
    private static Path goldenPath() {
        return Path.of("GOLDEN");
    }

    @Test
    void aMissingGoldenFailsAndSaysHowToCreateIt() throws Exception {
        Files.deleteIfExists(goldenPath());
        run(UsesGolden.class).assertThatEvents().haveExactly(1, finishedWithFailure(message(m -> m.contains(
                "does not exist. Create it by running this test once with -Dquantcheck.updateGoldens=true"))));
    }

    @Test
    void goldensAreWrittenOnRequestThenReadAndRefusedInCi() throws Exception {
        try {
            System.setProperty("quantcheck.ci", "false");
            System.setProperty(GoldenFile.UPDATE_PROPERTY, "true");
            run(UsesGolden.class).assertStatistics(s -> s.succeeded(1));
            assertThat(goldenPath()).exists();
            assertThat(Files.readString(goldenPath())).contains("\"model_fingerprint\"", "\"corpus_sha256\"", "\"pooling\"");

            System.clearProperty(GoldenFile.UPDATE_PROPERTY);
            run(UsesGolden.class).assertStatistics(s -> s.succeeded(1));

            System.setProperty("quantcheck.ci", "true");
            System.setProperty(GoldenFile.UPDATE_PROPERTY, "true");
            run(UsesGolden.class).assertThatEvents().haveExactly(1, finishedWithFailure(message(m -> m.contains(
                    "refusing to write the golden"))));
        } finally {
            Files.deleteIfExists(goldenPath());
        }
    }

    @Test
    void aGoldenFromAnotherCorpusIsAConfigurationError() throws Exception {
        try {
            System.setProperty("quantcheck.ci", "false");
            System.setProperty(GoldenFile.UPDATE_PROPERTY, "true");
            run(UsesGolden.class);
            System.clearProperty(GoldenFile.UPDATE_PROPERTY);
            String text = Files.readString(goldenPath());
            Files.writeString(goldenPath(), text.replaceFirst("\"corpus_sha256\" : \"[0-9a-f]+\"",
                    "\"corpus_sha256\" : \"0000000000000000\""));
            run(UsesGolden.class).assertThatEvents().haveExactly(1, finishedWithFailure(message(m -> m.contains(
                    "was made from another corpus hash") && m.contains("configuration error, not a quality failure"))));
        } finally {
            Files.deleteIfExists(goldenPath());
        }
    }

    @ExtendWith(QuantCheckExtension.class)
    static class PublishesMetrics {
        @Test
        void test(@QuantizedModel(model = "all-minilm-l6-v2", bits = 8) Encoder q8,
                  @ReferenceEmbeddings(model = "all-minilm-l6-v2", texts = {"A man strums a guitar on the porch.",
                          "A woman is slicing an onion.", "The cat sleeps."}) Embeddings reference) {
            assertThat(reference.compareWith(q8).meanCosine()).isGreaterThan(0.99);
        }
    }

    @Test
    void comparisonsArePublishedAsReportEntries() {
        var events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(PublishesMetrics.class)).execute()
                .allEvents().reportingEntryPublished().list();
        assertThat(events).hasSize(1);
        var entry = events.get(0).getPayload(org.junit.platform.engine.reporting.ReportEntry.class).orElseThrow();
        assertThat(entry.getKeyValuePairs()).containsEntry("quantcheck.all-minilm-l6-v2-mlx-q8.texts", "3")
                .containsKeys("quantcheck.all-minilm-l6-v2-mlx-q8.cosine.mean", "quantcheck.all-minilm-l6-v2-mlx-q8.band");
    }

    /** Encoders seen by the parallel fixtures, to compare identities. */
    static final java.util.Set<Encoder> SEEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @ExtendWith(QuantCheckExtension.class)
    static class ParallelA {
        @Test
        void test(@QuantizedModel(model = "all-minilm-l6-v2", bits = 4) Encoder q4) {
            SEEN.add(q4);
        }
    }

    @ExtendWith(QuantCheckExtension.class)
    static class ParallelB {
        @QuantizedModel(model = "all-minilm-l6-v2", bits = 4)
        Encoder q4;

        @Test
        void test() {
            SEEN.add(q4);
        }
    }

    @Test
    void classesRunInParallelShareOneModel() {
        SEEN.clear();
        EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                .selectors(selectClass(ParallelA.class), selectClass(ParallelB.class))
                .execute().testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEN).hasSize(1);
    }

    // ---------------------------------------------------------------- a model with NaN weights

    /** Where the NaN model is written: annotations need a constant path. */
    private static final String NAN_MODEL = "target/test-models/nan-q4";
    private static final String NAN_SOURCE = "target/test-models/nan-source";

    @ExtendWith(QuantCheckExtension.class)
    static class LoadsNanModel {
        @Test
        void test(@QuantizedModel(path = NAN_MODEL) ModelUnderTest broken) {
        }
    }

    @ExtendWith(QuantCheckExtension.class)
    static class MeasuresNanModel {
        @Test
        void test(@QuantizedModel(path = NAN_MODEL, allowNonFinite = true) ModelUnderTest broken,
                  @ReferenceEmbeddings(source = NAN_SOURCE, texts = {"a man is playing a guitar", "the dog is eating"})
                  Embeddings reference) {
            dev.quantcheck.assertions.QuantCheckAssertions.assertThat(reference.compareWith(broken.encoder()))
                    .hasNoNaNOrInf();
        }
    }

    @Test
    void aNanModelFailsToLoadUnlessTheTestMeasuresItAndThenTheNanGateFails() throws IOException {
        Path source = dev.quantcheck.testing.TinyBert.builder().write(Path.of(NAN_SOURCE));
        dev.quantcheck.conversion.Converter.convert(source, Path.of(NAN_MODEL), dev.quantcheck.conversion
                .ConversionOptions.defaults().withBits(4).withGroupSize(32), true);
        dev.quantcheck.testing.WeightEdits.set(Path.of(NAN_MODEL), "encoder.layer.1.intermediate.dense.scales", 2,
                Float.NaN);

        run(LoadsNanModel.class).assertThatEvents().haveExactly(1, finishedWithFailure(message(m -> m.contains(
                "the tensor 'encoder.layer.1.intermediate.dense.scales' holds NaN at [1, 0]")
                && m.contains("@QuantizedModel(allowNonFinite = true)"))));
        run(MeasuresNanModel.class).assertThatEvents().haveExactly(1, finishedWithFailure(message(m -> m.contains(
                "NaN"))));
    }
}

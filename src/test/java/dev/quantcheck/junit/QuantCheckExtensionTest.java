package dev.quantcheck.junit;

import dev.quantcheck.inference.Encoder;
import dev.quantcheck.testing.BuiltinTexts;
import dev.quantcheck.testing.StsData;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The extension as users write it, on the real MiniLM: injection into fields and parameters, and the cache. */
@QuantCheckTest
class QuantCheckExtensionTest {
    /** A TSV written by the project: id, question, answer. */
    static final String SUPPORT_TSV = "fixtures/tsv/support-answers.tsv";

    @QuantizedModel(model = "all-minilm-l6-v2", bits = 8)
    static Encoder q8;

    @QuantizedModel(model = "all-minilm-l6-v2", bits = 8)
    ModelUnderTest q8Again;

    /** No corpus named: the built-in corpus. */
    @ReferenceEmbeddings(model = "all-minilm-l6-v2", limit = 64)
    Embeddings reference;

    @ReferenceEmbeddings(model = "all-minilm-l6-v2", tsv = SUPPORT_TSV, column = 2)
    Embeddings answers;

    @Test
    void staticAndInstanceFieldsShareOneCachedModel() {
        assertThat(q8Again.encoder()).isSameAs(q8);
        assertThat(q8Again.bits()).isEqualTo(8);
        assertThat(q8Again.path()).endsWith(Path.of("models/mlx/all-minilm-l6-v2-mlx-q8"));
        assertThat(q8Again.thresholds().meanCosine()).isEqualTo(0.999);
        assertThat(q8.model().isQuantized()).isTrue();
    }

    @Test
    void referenceEmbeddingsComeFromTheOriginalModelOnTheBuiltInCorpusByDefault() {
        assertThat(reference.size()).isEqualTo(64);
        assertThat(reference.texts()).isEqualTo(BuiltinTexts.first(64));
        assertThat(reference.dimension()).isEqualTo(384);
        assertThat(reference.origin()).endsWith("all-minilm-l6-v2");
        assertThat(reference.pairs()).isEmpty();
    }

    @Test
    void aTsvColumnGivesItsTexts() {
        // the header row's cell is a text like any other: 20 answers and "answer"
        assertThat(answers.size()).isEqualTo(21);
        assertThat(answers.texts().get(1)).startsWith("Open Settings, choose Profile");
    }

    /** Enabled before anything is injected, so a clone without the STS file skips it instead of failing. */
    @Nested
    @Tag(StsData.TAG)
    @EnabledIf(value = "dev.quantcheck.testing.StsData#present",
            disabledReason = "needs human similarity scores: the STS Benchmark TSV beside the project (StsData.FILE)")
    class WithHumanScores {
        @ReferenceEmbeddings(model = "all-minilm-l6-v2", corpus = "../shared/data/sts/sts-benchmark-test-part-a.tsv",
                limit = 40)
        Embeddings sts;

        @Test
        void anStsFileBringsItsPairsAndScoresToEveryComparison() {
            assertThat(sts.size()).isEqualTo(40);
            assertThat(sts.pairs()).isNotEmpty().allSatisfy(p -> assertThat(Math.max(p[0], p[1])).isLessThan(40));
            assertThat(sts.compareWith(q8).sts()).hasValueSatisfying(s -> {
                assertThat(s.pairs()).isEqualTo(sts.pairs().size());
                assertThat(s.reference()).isGreaterThan(0.5);
            });
        }
    }

    @Test
    void parametersAreInjectedToo(@QuantizedModel(source = "builtin:all-minilm-l6-v2", bits = 8, fake = true) Path fake,
                                  @ReferenceEmbeddings(source = "builtin:all-minilm-l6-v2",
                                          texts = {"A man strums a guitar on the porch.", "A woman is slicing an onion."})
                                  float[][] vectors) throws Exception {
        assertThat(fake.getFileName().toString()).isEqualTo("all-minilm-l6-v2-mlx-q8-fake");
        assertThat(Files.size(fake.resolve("model.safetensors"))).isGreaterThan(80_000_000L);
        assertThat(vectors).hasDimensions(2, 384);
    }

    @ParameterizedTest(name = "{0}")
    @QuantizedModelsSource(model = "all-minilm-l6-v2", bits = {8, 4})
    void oneTestGatesSeveralBitWidths(ModelUnderTest model,
                                      @ReferenceEmbeddings(model = "all-minilm-l6-v2", corpus = "builtin:paraphrases", limit = 48)
                                      Embeddings reference) {
        assertThat(reference.compareWith(model.encoder()).meanCosine())
                .isGreaterThanOrEqualTo(model.thresholds().meanCosine());
    }
}

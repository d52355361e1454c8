package dev.quantcheck.junit;

import dev.quantcheck.inference.Encoder;
import dev.quantcheck.testing.StsData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The extension as users write it, on the real MiniLM: injection into fields and parameters, and the cache. */
@QuantCheckTest
class QuantCheckExtensionTest {
    static final String STS = "../shared/data/sts/sts-benchmark-test-part-a.tsv";

    @QuantizedModel(model = "all-minilm-l6-v2", bits = 8)
    static Encoder q8;

    @QuantizedModel(model = "all-minilm-l6-v2", bits = 8)
    ModelUnderTest q8Again;

    @ReferenceEmbeddings(model = "all-minilm-l6-v2", tsv = STS, column = 5, limit = 64)
    Embeddings reference;

    @Test
    void staticAndInstanceFieldsShareOneCachedModel() {
        assertThat(q8Again.encoder()).isSameAs(q8);
        assertThat(q8Again.bits()).isEqualTo(8);
        assertThat(q8Again.path()).endsWith(Path.of("models/mlx/all-minilm-l6-v2-mlx-q8"));
        assertThat(q8Again.thresholds().meanCosine()).isEqualTo(0.99);
        assertThat(q8.model().isQuantized()).isTrue();
    }

    @Test
    void referenceEmbeddingsComeFromTheOriginalModelOnTheTsvColumn() {
        assertThat(reference.size()).isEqualTo(64);
        assertThat(reference.texts().get(0)).isEqualTo(StsData.pairs().get(0).first());
        assertThat(reference.dimension()).isEqualTo(384);
        assertThat(reference.origin()).endsWith("all-minilm-l6-v2");
    }

    @Test
    void parametersAreInjectedToo(@QuantizedModel(source = "builtin:all-minilm-l6-v2", bits = 8, fake = true) Path fake,
                                  @ReferenceEmbeddings(source = "builtin:all-minilm-l6-v2",
                                          texts = {"A man is playing a guitar.", "A woman is slicing an onion."})
                                  float[][] vectors) throws Exception {
        assertThat(fake.getFileName().toString()).isEqualTo("all-minilm-l6-v2-mlx-q8-fake");
        assertThat(Files.size(fake.resolve("model.safetensors"))).isGreaterThan(80_000_000L);
        assertThat(vectors).hasDimensions(2, 384);
    }

    @ParameterizedTest(name = "{0}")
    @QuantizedModelsSource(model = "all-minilm-l6-v2", bits = {8, 4})
    void oneTestGatesSeveralBitWidths(ModelUnderTest model,
                                      @ReferenceEmbeddings(model = "all-minilm-l6-v2", tsv = STS, column = 6, limit = 48)
                                      Embeddings reference) {
        assertThat(reference.compareWith(model.encoder()).meanCosine())
                .isGreaterThanOrEqualTo(model.thresholds().meanCosine());
    }
}

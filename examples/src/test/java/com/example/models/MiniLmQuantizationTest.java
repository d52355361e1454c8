package com.example.models;

import dev.quantcheck.assertions.QuantCheckAssertions;
import dev.quantcheck.assertions.SoftQuantCheckAssertions;
import dev.quantcheck.inference.EncoderOutput;
import dev.quantcheck.junit.Embeddings;
import dev.quantcheck.junit.ModelUnderTest;
import dev.quantcheck.junit.QuantCheckTest;
import dev.quantcheck.junit.QuantizedModelsSource;
import dev.quantcheck.junit.ReferenceEmbeddings;
import dev.quantcheck.metrics.EmbeddingComparison;
import org.junit.jupiter.params.ParameterizedTest;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The success criteria of the testing plan, as regression gates for all-MiniLM-L6-v2 at 8 and 4 bits: size,
 * accuracy, no NaN/Inf, loads and runs, shapes. Every gate's number lives in config/models.yaml.
 */
@QuantCheckTest
class MiniLmQuantizationTest {
    /** No corpus named: quantcheck's built-in corpus (every domain and script, one word to 700 words). */
    @ReferenceEmbeddings(model = "all-minilm-l6-v2", limit = 300)
    Embeddings reference;

    @ParameterizedTest(name = "{0} is truly quantized and meets its size target")
    @QuantizedModelsSource(model = "all-minilm-l6-v2", bits = {8, 4})
    void size(ModelUnderTest model) {
        QuantCheckAssertions.assertThat(model.path())
                .isTrulyQuantized()
                .isNotFakeQuantized()
                .hasBits(model.bits())
                .hasCompressionRatioAtLeast(model.thresholds().minCompressionRatio())
                .meetsTargetSize();
    }

    @ParameterizedTest(name = "{0} keeps the meaning of the original")
    @QuantizedModelsSource(model = "all-minilm-l6-v2", bits = {8, 4})
    void accuracy(ModelUnderTest model) {
        EmbeddingComparison comparison = reference.compareWith(model.encoder());
        // every gate at once, so a failing run reports all of them
        SoftQuantCheckAssertions.assertSoftly(softly -> {
            softly.assertThat(comparison).meetsThresholds(model.thresholds());
            softly.assertThat(comparison).hasNoNaNOrInf().hasSameShape();
        });
    }

    @ParameterizedTest(name = "{0} has no NaN or Inf in its weights")
    @QuantizedModelsSource(model = "all-minilm-l6-v2", bits = {8, 4})
    void noNaNOrInf(ModelUnderTest model) {
        QuantCheckAssertions.assertThat(model.path()).hasNoNaNOrInfWeights();
    }

    @ParameterizedTest(name = "{0} loads, runs and gives the expected shapes")
    @QuantizedModelsSource(model = "all-minilm-l6-v2", bits = {8, 4})
    void loadsAndRuns(ModelUnderTest model) {
        List<String> texts = List.of("This is a test.", "A man is playing a guitar on the stage tonight.");
        float[][] embeddings = model.encoder().embed(texts);
        assertThat(embeddings).hasDimensions(2, 384);
        EncoderOutput output = model.encoder().forward(model.encoder().tokenize(texts), false);
        assertThat(output.lastHiddenState(0)).hasDimensions(7, 384);
        assertThat(model.encoder().tokenize(texts).ids(0)).containsExactly(101, 2023, 2003, 1037, 3231, 1012, 102);
    }
}

package dev.quantcheck.inference;

import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.format.ModelDirectoryException;
import dev.quantcheck.testing.TinyBert;
import dev.quantcheck.testing.WeightEdits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A NaN in a model must never turn into embeddings that a test or the CLI takes for numbers. */
class NonFiniteModelTest {
    private static final List<String> TEXTS = List.of("a man is playing a guitar", "the dog is eating", "a");
    private static final EncoderOptions MEASURE = EncoderOptions.defaults().withNonFiniteAllowed(true);

    @TempDir
    Path dir;

    @Test
    void nanFloatWeightsAreRefusedAtLoadNamingTheTensorAndTheIndexUnlessMeasuredOnPurpose() throws IOException {
        Path model = TinyBert.builder().write(dir.resolve("tiny"));
        WeightEdits.set(model, "encoder.layer.0.attention.self.query.weight", 5 * 64 + 9, Float.NaN);
        WeightEdits.set(model, "encoder.layer.0.attention.self.query.weight", 7, Float.NaN);

        assertThatThrownBy(() -> Encoder.load(model))
                .isInstanceOf(ModelDirectoryException.class)
                .hasMessageContaining("the tensor 'encoder.layer.0.attention.self.query.weight' holds NaN at [0, 7] "
                        + "(2 NaN, 0 Inf in it)")
                .hasMessageContaining("--allow-non-finite");

        try (Encoder measured = Encoder.load(model, MEASURE)) {
            float[][] embeddings = measured.embed(TEXTS);
            for (float[] e : embeddings) {
                assertThat(e).containsOnly(Float.NaN);
            }
        }
    }

    @Test
    void aNanScaleOfAQuantizedLayerIsRefusedAtLoad() throws IOException {
        Path q4 = dir.resolve("q4");
        Converter.convert(TinyBert.builder().write(dir.resolve("tiny")), q4,
                ConversionOptions.defaults().withBits(4).withGroupSize(32), false);
        WeightEdits.set(q4, "encoder.layer.1.intermediate.dense.scales", 2, Float.NaN);

        assertThatThrownBy(() -> Encoder.load(q4))
                .hasMessageContaining("the tensor 'encoder.layer.1.intermediate.dense.scales' holds NaN at [1, 0]");
    }

    @Test
    void embeddingsThatOverflowFromFiniteWeightsAreRefusedNamingTheTexts() throws IOException {
        // GIVEN finite weights so large that the LayerNorm of position 3 overflows (their sum is +Inf, the mean too,
        // and Inf - Inf is NaN) in every text that reaches it: "a" has only 3 tokens
        Path model = TinyBert.builder().write(dir.resolve("tiny"));
        WeightEdits.set(model, "embeddings.position_embeddings.weight", 3 * 64 + 1, 3e38f);
        WeightEdits.set(model, "embeddings.position_embeddings.weight", 3 * 64 + 2, 3e38f);

        try (Encoder encoder = Encoder.load(model)) {
            assertThatThrownBy(() -> encoder.embed(TEXTS))
                    .isInstanceOf(NonFiniteEmbeddingsException.class)
                    .hasMessageContaining("2 of 3 embeddings hold NaN or Inf, e.g. text 0 \"a man is playing a guitar\" "
                            + "(64 NaN, 0 Inf); text 1 \"the dog is eating\" (64 NaN, 0 Inf)")
                    .hasMessageContaining("the forward pass overflowed")
                    .satisfies(e -> assertThat(((NonFiniteEmbeddingsException) e).texts()).containsExactly(0, 1));
        }
        try (Encoder measured = Encoder.load(model, MEASURE)) {
            float[][] embeddings = measured.embed(TEXTS);
            assertThat(embeddings[0]).contains(Float.NaN);
            for (float v : embeddings[2]) {
                assertThat(v).isFinite();
            }
        }
    }
}

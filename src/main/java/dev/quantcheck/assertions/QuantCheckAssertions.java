package dev.quantcheck.assertions;

import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.metrics.EmbeddingComparison;

import java.nio.file.Path;

/**
 * The entry point of quantcheck's assertions, in the style of AssertJ's {@code Assertions}:
 *
 * <pre>{@code
 * import static dev.quantcheck.assertions.QuantCheckAssertions.assertThat;
 *
 * assertThat(Path.of("models/mlx/all-minilm-l6-v2-mlx-q8"))
 *         .isTrulyQuantized().hasBits(8).hasCompressionRatioAtLeast(3.5).meetsTargetSize().hasNoNaNOrInfWeights();
 * assertThat(EmbeddingComparison.of(texts, original, quantized))
 *         .hasNoNaNOrInf().hasSameShape().meetsThresholds(config.entry("all-minilm-l6-v2", 8).thresholds());
 * }</pre>
 *
 * <p>AssertJ's {@code Assertions} also has {@code assertThat(Path)}: where both are imported statically, call
 * this one as {@code QuantCheckAssertions.assertThat(dir)} (or pass an open {@link ModelDirectory}). To collect
 * several failures instead of stopping at the first, use {@link SoftQuantCheckAssertions}.
 */
public class QuantCheckAssertions {

    protected QuantCheckAssertions() {
    }

    /** Assertions on how a candidate's embeddings compare with a reference's. */
    public static ComparisonAssert assertThat(EmbeddingComparison actual) {
        return new ComparisonAssert(actual);
    }

    /** Assertions on the model folder {@code modelDir}, opened when an assertion needs it. */
    public static QuantizedModelAssert assertThat(Path modelDir) {
        return new QuantizedModelAssert(modelDir);
    }

    /** Assertions on an open model folder (not closed by the assertions). */
    public static QuantizedModelAssert assertThat(ModelDirectory model) {
        return new QuantizedModelAssert(model);
    }
}

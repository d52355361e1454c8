package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import org.assertj.core.error.ErrorMessageFactory;

/**
 * The worst text's cosine is below the threshold (or NaN):
 * {@code expected min cosine >= 0.98 but was 0.801; 3 of 689 texts below 0.98; worst: 0.801 'A man is slicing a
 * tomato.', 0.95 '...', 0.979 '...'; mean cosine 0.993 (EXCELLENT: > 0.99)}
 */
public final class ShouldHaveMinCosineAtLeast extends QuantCheckErrorMessageFactory {

    private ShouldHaveMinCosineAtLeast(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveMinCosineAtLeast(EmbeddingComparison actual, double threshold) {
        return new ShouldHaveMinCosineAtLeast("expected min cosine >= " + Numbers.exact(threshold) + " but was "
                + Numbers.against(actual.minCosine(), threshold) + CosineMessages.shortfall(actual, threshold)
                + CosineMessages.meanAndBand(actual) + CosineMessages.shapes(actual));
    }
}

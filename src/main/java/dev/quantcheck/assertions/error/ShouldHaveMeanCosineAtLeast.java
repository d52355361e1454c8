package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import org.assertj.core.error.ErrorMessageFactory;

/**
 * The mean cosine is below the threshold (or NaN):
 * {@code expected mean cosine >= 0.99 but was 0.962 (GOOD: 0.95-0.99); 41 of 689 texts below 0.99; worst: 0.801
 * 'The chef slices a ripe tomato.', 0.85 'A cook chops three onions.'}
 */
public final class ShouldHaveMeanCosineAtLeast extends QuantCheckErrorMessageFactory {

    private ShouldHaveMeanCosineAtLeast(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveMeanCosineAtLeast(EmbeddingComparison actual, double threshold) {
        return new ShouldHaveMeanCosineAtLeast("expected mean cosine >= " + Numbers.exact(threshold) + " but was "
                + Numbers.meanCosine(actual.meanCosine(), threshold) + " (" + actual.band().label() + ")"
                + CosineMessages.shortfall(actual, threshold) + CosineMessages.shapes(actual));
    }
}

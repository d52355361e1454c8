package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import org.assertj.core.error.ErrorMessageFactory;

/**
 * A percentile of the per-text cosines is below the threshold (or NaN):
 * {@code expected p05 cosine >= 0.98 but was 0.975; 40 of 689 texts below 0.98; worst: ...; mean cosine 0.993
 * (EXCELLENT: > 0.99)}
 */
public final class ShouldHavePercentileCosineAtLeast extends QuantCheckErrorMessageFactory {

    private ShouldHavePercentileCosineAtLeast(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHavePercentileCosineAtLeast(EmbeddingComparison actual,
                                                                       double percentile, double threshold) {
        return new ShouldHavePercentileCosineAtLeast("expected " + Numbers.percentileName(percentile)
                + " cosine >= " + Numbers.exact(threshold) + " but was "
                + Numbers.against(actual.cosinePercentile(percentile), threshold)
                + CosineMessages.shortfall(actual, threshold) + CosineMessages.meanAndBand(actual)
                + CosineMessages.shapes(actual));
    }
}

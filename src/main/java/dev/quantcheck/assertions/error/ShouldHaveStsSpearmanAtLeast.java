package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.StsCorrelation;
import org.assertj.core.error.ErrorMessageFactory;

/**
 * The candidate's similarities of STS pairs rank too differently from the human scores:
 * {@code expected STS Spearman correlation (candidate vs human scores) >= 0.8 but was 0.781 over 344 pairs; the
 * reference reaches 0.823}. Without pairs: {@link #shouldHaveStsPairs}.
 */
public final class ShouldHaveStsSpearmanAtLeast extends QuantCheckErrorMessageFactory {
    private static final String METRIC = "expected STS Spearman correlation (candidate vs human scores) >= ";

    private ShouldHaveStsSpearmanAtLeast(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveStsSpearmanAtLeast(EmbeddingComparison actual, double threshold) {
        StsCorrelation sts = actual.sts().orElseThrow(() -> new IllegalArgumentException(
                "the comparison has no STS pairs; use shouldHaveStsPairs"));
        return new ShouldHaveStsSpearmanAtLeast(METRIC + Numbers.exact(threshold) + " but was "
                + Numbers.against(sts.candidate(), threshold) + " over " + Numbers.count(sts.pairs(), "pair", "pairs")
                + "; the reference reaches " + Numbers.against(sts.reference(), threshold)
                + CosineMessages.shapes(actual));
    }

    /**
     * The comparison was made without STS pairs: {@code expected STS Spearman correlation (candidate vs human
     * scores) >= 0.8 but the comparison has no STS pairs; give them with withPairs(pairIndices, humanScores)}
     */
    public static ErrorMessageFactory shouldHaveStsPairs(double threshold) {
        return new ShouldHaveStsSpearmanAtLeast(METRIC + Numbers.exact(threshold)
                + " but the comparison has no STS pairs; give them with withPairs(pairIndices, humanScores)");
    }
}

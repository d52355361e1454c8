package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import org.assertj.core.error.ErrorMessageFactory;

/**
 * The candidate ranks text pairs by similarity too differently from the reference:
 * {@code expected Spearman correlation of pairwise cosine similarities (reference vs candidate) >= 0.99 but was
 * 0.953 over 237016 text pairs}, or {@code ... over a sample of 250000 of 1999000 text pairs}
 */
public final class ShouldHaveSpearmanAtLeast extends QuantCheckErrorMessageFactory {

    private ShouldHaveSpearmanAtLeast(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveSpearmanAtLeast(EmbeddingComparison actual, double threshold) {
        String over = actual.isSpearmanSampled()
                ? "a sample of " + actual.spearmanPairs() + " of " + actual.totalPairs() + " text pairs"
                : Numbers.count(actual.spearmanPairs(), "text pair", "text pairs");
        return new ShouldHaveSpearmanAtLeast("expected Spearman correlation of pairwise cosine similarities "
                + "(reference vs candidate) >= " + Numbers.exact(threshold) + " but was "
                + Numbers.against(actual.spearman(), threshold) + " over " + over + CosineMessages.shapes(actual));
    }
}

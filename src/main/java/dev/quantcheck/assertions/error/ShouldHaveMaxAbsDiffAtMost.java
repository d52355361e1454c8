package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import org.assertj.core.error.ErrorMessageFactory;

/**
 * The largest absolute element difference is above the threshold (or NaN):
 * {@code expected max absolute difference <= 0.5 but was 0.73 at text 17 'The chef slices a ripe tomato.', dimension
 * 112 (reference 0.412, candidate -0.318); 2 of 689 texts above 0.5}
 */
public final class ShouldHaveMaxAbsDiffAtMost extends QuantCheckErrorMessageFactory {

    private ShouldHaveMaxAbsDiffAtMost(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveMaxAbsDiffAtMost(EmbeddingComparison actual, double threshold) {
        String where = actual.maxAbsDiffAt().map(e -> " at text " + e.text() + " "
                + Numbers.quote(actual.texts().get(e.text())) + ", dimension " + e.dimension() + " (reference "
                + Numbers.of(e.reference()) + ", candidate " + Numbers.of(e.candidate()) + ")").orElse("");
        long above = actual.results().stream().filter(r -> !(r.maxAbsDiff() <= threshold)).count();
        return new ShouldHaveMaxAbsDiffAtMost("expected max absolute difference <= " + Numbers.exact(threshold)
                + " but was " + Numbers.against(actual.maxAbsDiff(), threshold) + where + "; " + above + " of "
                + Numbers.count(actual.comparedCount(), "text", "texts") + " above " + Numbers.exact(threshold)
                + CosineMessages.shapes(actual));
    }
}

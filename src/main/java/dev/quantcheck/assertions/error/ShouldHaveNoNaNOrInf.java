package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.NonFinite;
import org.assertj.core.error.ErrorMessageFactory;

/**
 * An embedding matrix holds NaN or Inf:
 * {@code expected no NaN or Inf in the embeddings but the candidate has 3 NaN and 1 Inf, the first NaN at text 4
 * 'The chef slices a ripe tomato.', dimension 17; the reference has none}
 */
public final class ShouldHaveNoNaNOrInf extends QuantCheckErrorMessageFactory {

    private ShouldHaveNoNaNOrInf(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveNoNaNOrInf(EmbeddingComparison actual) {
        return new ShouldHaveNoNaNOrInf("expected no NaN or Inf in the embeddings but the candidate "
                + describe(actual, actual.candidateNonFinite()) + "; the reference "
                + describe(actual, actual.referenceNonFinite()));
    }

    private static String describe(EmbeddingComparison c, NonFinite n) {
        return n.first().map(first -> "has " + n.nanCount() + " NaN and " + n.infCount() + " Inf, the first "
                + first.value() + " at text " + first.text()
                + (first.text() < c.textCount() ? " " + Numbers.quote(c.texts().get(first.text())) : "")
                + ", dimension " + first.dimension()).orElse("has none");
    }
}

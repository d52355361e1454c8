package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import org.assertj.core.error.ErrorMessageFactory;

/**
 * The matrices differ in shape, or do not have one row per text:
 * {@code expected reference and candidate embeddings of one shape, one row per text, but got reference 3 x 384,
 * candidate 3 x 256 for 3 texts}
 */
public final class ShouldHaveSameShape extends QuantCheckErrorMessageFactory {

    private ShouldHaveSameShape(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveSameShape(EmbeddingComparison actual) {
        return new ShouldHaveSameShape("expected reference and candidate embeddings of one shape, one row per "
                + "text, but got " + actual.shapeMismatch().orElse("reference " + actual.referenceShape()
                + ", candidate " + actual.candidateShape() + " for " + actual.textCount() + " texts"));
    }
}

package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.TextResult;

import java.util.List;
import java.util.stream.Collectors;

/** The parts that every comparison message shares. */
final class CosineMessages {
    private CosineMessages() {
    }

    /** "; 41 of 689 texts below 0.99; worst: 0.801 'The chef slices a ripe tomato.', 0.85 '...'" */
    static String shortfall(EmbeddingComparison c, double threshold) {
        int below = c.countBelow(threshold);
        String s = "; " + below + " of " + Numbers.count(c.comparedCount(), "text", "texts") + " below "
                + Numbers.exact(threshold);
        List<TextResult> worst = c.worst(Math.min(below, Numbers.WORST));
        if (!worst.isEmpty()) {
            s += "; worst: " + worst.stream().map(r -> Numbers.against(r.cosine(), threshold) + " "
                    + Numbers.quote(r.text())).collect(Collectors.joining(", "));
        }
        return s;
    }

    /** "; mean cosine 0.993 (EXCELLENT: > 0.99)" */
    static String meanAndBand(EmbeddingComparison c) {
        return "; mean cosine " + Numbers.meanCosine(c.meanCosine()) + " (" + c.band().label() + ")";
    }

    /** "; shapes differ: reference 3 x 384, candidate 3 x 256 for 3 texts", or nothing when they agree. */
    static String shapes(EmbeddingComparison c) {
        return c.shapeMismatch().map(m -> "; shapes differ: " + m).orElse("");
    }
}

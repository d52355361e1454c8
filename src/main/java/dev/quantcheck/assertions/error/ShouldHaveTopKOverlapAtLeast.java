package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.NeighbourOverlap;
import dev.quantcheck.metrics.TextScore;
import org.assertj.core.error.ErrorMessageFactory;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The candidate's nearest neighbours differ too much from the reference's:
 * {@code expected top-10 nearest-neighbour overlap >= 0.9 but was 0.853 (mean over 689 texts); 212 of 689 texts
 * below 0.9; lowest: 0.4 'The chef slices a ripe tomato.', 0.5 '...'}
 */
public final class ShouldHaveTopKOverlapAtLeast extends QuantCheckErrorMessageFactory {

    private ShouldHaveTopKOverlapAtLeast(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveTopKOverlapAtLeast(EmbeddingComparison actual, int k,
                                                                  double threshold) {
        NeighbourOverlap overlap = actual.topKOverlap(k);
        List<TextScore> below = overlap.perText().stream().filter(s -> !(s.value() >= threshold))
                .sorted(Comparator.comparingDouble(TextScore::value).thenComparingInt(TextScore::index)).toList();
        String over = overlap.queries() == actual.comparedCount()
                ? Numbers.count(overlap.queries(), "text", "texts")
                : overlap.queries() + " of " + actual.comparedCount() + " texts";
        String lowest = below.isEmpty() ? "" : "; lowest: " + below.stream().limit(Numbers.WORST)
                .map(s -> Numbers.against(s.value(), threshold) + " " + Numbers.quote(s.text()))
                .collect(Collectors.joining(", "));
        return new ShouldHaveTopKOverlapAtLeast("expected top-" + k + " nearest-neighbour overlap >= "
                + Numbers.exact(threshold) + " but was " + Numbers.against(overlap.mean(), threshold)
                + " (mean over " + over + "); " + below.size() + " of " + overlap.queries() + " below "
                + Numbers.exact(threshold) + lowest + CosineMessages.shapes(actual));
    }
}

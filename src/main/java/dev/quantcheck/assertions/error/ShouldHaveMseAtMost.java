package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.TextResult;
import org.assertj.core.error.ErrorMessageFactory;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The mean squared error over all elements is above the threshold (or NaN):
 * {@code expected MSE <= 0.001 but was 0.00234; 37 of 689 texts above 0.001; worst: 0.0123 'A man is slicing a
 * tomato.', 0.0098 '...'}
 */
public final class ShouldHaveMseAtMost extends QuantCheckErrorMessageFactory {

    private ShouldHaveMseAtMost(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveMseAtMost(EmbeddingComparison actual, double threshold) {
        List<TextResult> above = actual.results().stream().filter(r -> !(r.mse() <= threshold))
                .sorted(Comparator.comparingDouble((TextResult r) -> Double.isNaN(r.mse())
                        ? Double.NEGATIVE_INFINITY : -r.mse()).thenComparingInt(TextResult::index))
                .toList();
        String worst = above.isEmpty() ? "" : "; worst: " + above.stream().limit(Numbers.WORST)
                .map(r -> Numbers.against(r.mse(), threshold) + " " + Numbers.quote(r.text()))
                .collect(Collectors.joining(", "));
        return new ShouldHaveMseAtMost("expected MSE <= " + Numbers.exact(threshold) + " but was "
                + Numbers.against(actual.mse(), threshold) + "; " + above.size() + " of "
                + Numbers.count(actual.comparedCount(), "text", "texts") + " above " + Numbers.exact(threshold)
                + worst + CosineMessages.shapes(actual));
    }
}

package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.GateCheck;
import org.assertj.core.error.ErrorMessageFactory;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Some quality gates fail; each failing gate's own message follows on its own line:
 * <pre>{@code
 * expected the comparison to meet mean_cosine >= 0.99, min_cosine >= 0.98, mse <= 0.001, max_abs_diff <= 0.5
 * but 2 of 4 gates fail:
 * - expected mean cosine >= 0.99 but was 0.962 (GOOD: 0.95-0.99); ...
 * - expected MSE <= 0.001 but was 0.00234; ...
 * }</pre>
 * (the first two lines are one).
 */
public final class ShouldMeetThresholds extends QuantCheckErrorMessageFactory {

    private ShouldMeetThresholds(String message) {
        super(message);
    }

    /**
     * @param checked  the gates that applied to the comparison ({@link GateCheck#of}), in the order of
     *                 {@code config/models.yaml}'s keys
     * @param failures the failing gates' messages, in the same order
     */
    public static ErrorMessageFactory shouldMeetThresholds(List<GateCheck> checked, List<ErrorMessageFactory> failures) {
        List<String> gates = checked.stream().map(g -> g.gate() + (g.atLeast() ? " >= " : " <= ")
                + Numbers.exact(g.threshold())).toList();
        return new ShouldMeetThresholds("expected the comparison to meet " + String.join(", ", gates) + " but "
                + failures.size() + " of " + gates.size() + " gates fail:" + failures.stream()
                .map(f -> "\n- " + f.create()).collect(Collectors.joining()));
    }
}

package dev.quantcheck.assertions.error;

import dev.quantcheck.conversion.QualityThresholds;
import org.assertj.core.error.ErrorMessageFactory;

import java.util.ArrayList;
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
     * @param failures the failing gates' messages, in the order of {@code config/models.yaml}'s keys
     */
    public static ErrorMessageFactory shouldMeetThresholds(QualityThresholds thresholds,
                                                           List<ErrorMessageFactory> failures) {
        List<String> gates = gates(thresholds);
        return new ShouldMeetThresholds("expected the comparison to meet " + String.join(", ", gates) + " but "
                + failures.size() + " of " + gates.size() + " gates fail:" + failures.stream()
                .map(f -> "\n- " + f.create()).collect(Collectors.joining()));
    }

    /** E.g. {@code ["mean_cosine >= 0.99", "mse <= 0.001"]}: the gates that are set, with config's names. */
    public static List<String> gates(QualityThresholds t) {
        List<String> gates = new ArrayList<>();
        gate(gates, "mean_cosine >= ", t.meanCosine());
        gate(gates, "min_cosine >= ", t.minCosine());
        gate(gates, "mse <= ", t.mse());
        gate(gates, "max_abs_diff <= ", t.maxAbsDiff());
        gate(gates, "p01_cosine >= ", t.p01Cosine());
        gate(gates, "top10_overlap >= ", t.top10Overlap());
        gate(gates, "pairwise_spearman >= ", t.pairwiseSpearman());
        gate(gates, "sts_spearman_drop <= ", t.stsSpearmanDrop());
        return gates;
    }

    private static void gate(List<String> gates, String gate, Double threshold) {
        if (threshold != null) {
            gates.add(gate + Numbers.exact(threshold));
        }
    }
}

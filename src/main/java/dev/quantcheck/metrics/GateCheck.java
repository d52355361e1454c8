package dev.quantcheck.metrics;

import dev.quantcheck.conversion.QualityThresholds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * One quality gate of {@code config/models.yaml} checked against a comparison: the gate's name as the file spells
 * it, the bound, the measured value and whether it holds. A comparison is judged by {@link #of}; the assertions,
 * {@code compare} and {@code demo} all judge through it, so a gate means the same thing everywhere.
 *
 * @param gate      the key in {@code thresholds}, e.g. {@code p01_cosine}
 * @param atLeast   true for a minimum ({@code >=}), false for a maximum ({@code <=})
 * @param threshold the bound
 * @param actual    the measured value (NaN fails every gate)
 */
public record GateCheck(String gate, boolean atLeast, double threshold, double actual) {
    /** The neighbours per text of the {@code top10_overlap} gate. */
    public static final int TOP_K = 10;

    /** Whether the measured value is within the bound (NaN never is). */
    public boolean passed() {
        return atLeast ? actual >= threshold : actual <= threshold;
    }

    /** E.g. {@code p01_cosine 0.93512 >= 0.93: passed}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %.5g %s %s: %s", gate, actual, atLeast ? ">=" : "<=",
                new java.math.BigDecimal(Double.toString(threshold)).stripTrailingZeros().toPlainString(), passed() ? "passed" : "FAILED");
    }

    /**
     * Every gate {@code thresholds} sets that applies to {@code comparison}, in the file's order. The STS gate
     * applies only to a comparison with human scores, and the neighbour gate only to more than
     * {@value #TOP_K} texts; a gate that does not apply is left out (see {@link #notApplicable}).
     */
    public static List<GateCheck> of(QualityThresholds thresholds, EmbeddingComparison comparison) {
        List<GateCheck> checks = new ArrayList<>();
        min(checks, "mean_cosine", thresholds.meanCosine(), comparison, EmbeddingComparison::meanCosine);
        min(checks, "min_cosine", thresholds.minCosine(), comparison, EmbeddingComparison::minCosine);
        max(checks, "mse", thresholds.mse(), comparison, EmbeddingComparison::mse);
        max(checks, "max_abs_diff", thresholds.maxAbsDiff(), comparison, EmbeddingComparison::maxAbsDiff);
        min(checks, "p01_cosine", thresholds.p01Cosine(), comparison, EmbeddingComparison::p01);
        if (comparison.comparedCount() > TOP_K) {
            min(checks, "top10_overlap", thresholds.top10Overlap(), comparison, c -> c.topKOverlap(TOP_K).mean());
        }
        min(checks, "pairwise_spearman", thresholds.pairwiseSpearman(), comparison, EmbeddingComparison::spearman);
        if (comparison.sts().isPresent()) {
            max(checks, "sts_spearman_drop", thresholds.stsSpearmanDrop(), comparison,
                    c -> c.sts().get().reference() - c.sts().get().candidate());
        }
        return checks;
    }

    /** The gates {@code thresholds} sets that {@link #of} leaves out for {@code comparison}, each with why. */
    public static List<String> notApplicable(QualityThresholds thresholds, EmbeddingComparison comparison) {
        List<String> skipped = new ArrayList<>();
        if (thresholds.top10Overlap() != null && comparison.comparedCount() <= TOP_K) {
            skipped.add("top10_overlap (needs more than " + TOP_K + " texts; the corpus has "
                    + comparison.comparedCount() + ")");
        }
        if (thresholds.stsSpearmanDrop() != null && comparison.sts().isEmpty()) {
            skipped.add("sts_spearman_drop (needs a corpus with human scores: an STS Benchmark .tsv)");
        }
        return skipped;
    }

    private static void min(List<GateCheck> checks, String gate, Double threshold, EmbeddingComparison c,
                            ToDoubleFunction<EmbeddingComparison> metric) {
        if (threshold != null) {
            checks.add(new GateCheck(gate, true, threshold, metric.applyAsDouble(c)));
        }
    }

    private static void max(List<GateCheck> checks, String gate, Double threshold, EmbeddingComparison c,
                            ToDoubleFunction<EmbeddingComparison> metric) {
        if (threshold != null) {
            checks.add(new GateCheck(gate, false, threshold, metric.applyAsDouble(c)));
        }
    }
}

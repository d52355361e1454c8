package dev.quantcheck.assertions;

import dev.quantcheck.conversion.QualityThresholds;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.GateCheck;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.error.ErrorMessageFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static dev.quantcheck.assertions.error.ShouldHaveMaxAbsDiffAtMost.shouldHaveMaxAbsDiffAtMost;
import static dev.quantcheck.assertions.error.ShouldHaveMeanCosineAtLeast.shouldHaveMeanCosineAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveMinCosineAtLeast.shouldHaveMinCosineAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveMseAtMost.shouldHaveMseAtMost;
import static dev.quantcheck.assertions.error.ShouldHaveNoNaNOrInf.shouldHaveNoNaNOrInf;
import static dev.quantcheck.assertions.error.ShouldHavePercentileCosineAtLeast.shouldHavePercentileCosineAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveSameShape.shouldHaveSameShape;
import static dev.quantcheck.assertions.error.ShouldHaveSpearmanAtLeast.shouldHaveSpearmanAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveStsSpearmanAtLeast.shouldHaveStsPairs;
import static dev.quantcheck.assertions.error.ShouldHaveStsSpearmanAtLeast.shouldHaveStsSpearmanAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveTopKOverlapAtLeast.shouldHaveTopKOverlapAtLeast;
import static dev.quantcheck.assertions.error.ShouldMeetThresholds.shouldMeetThresholds;

/**
 * Assertions on an {@link EmbeddingComparison}: the testing plan's accuracy criteria as gates. Get one from
 * {@link QuantCheckAssertions#assertThat(EmbeddingComparison)} or, to collect several failures,
 * {@link SoftQuantCheckAssertions}.
 *
 * <p>A NaN metric (from NaN or Inf in an embedding, or mismatched shapes) passes no threshold. Each failure's
 * message is built by the factory named in the method's documentation, in {@code dev.quantcheck.assertions.error}.
 */
public class ComparisonAssert extends AbstractAssert<ComparisonAssert, EmbeddingComparison> {

    public ComparisonAssert(EmbeddingComparison actual) {
        super(actual, ComparisonAssert.class);
    }

    /**
     * Verifies that the mean per-text cosine similarity is at least {@code threshold}. Failure message:
     * {@code ShouldHaveMeanCosineAtLeast}.
     *
     * <pre>{@code
     * // a comparison whose mean cosine is 0.962 (GOOD)
     * // this assertion succeeds:
     * assertThat(comparison).hasMeanCosineAtLeast(0.95);
     * // this assertion fails:
     * assertThat(comparison).hasMeanCosineAtLeast(0.99);
     * }</pre>
     */
    public ComparisonAssert hasMeanCosineAtLeast(double threshold) {
        isNotNull();
        if (!(actual.meanCosine() >= threshold)) {
            throwAssertionError(shouldHaveMeanCosineAtLeast(actual, threshold));
        }
        return myself;
    }

    /**
     * Verifies that every text's cosine similarity is at least {@code threshold}. Failure message:
     * {@code ShouldHaveMinCosineAtLeast}.
     *
     * <pre>{@code
     * // a comparison whose worst text has a cosine of 0.981
     * // this assertion succeeds:
     * assertThat(comparison).hasMinCosineAtLeast(0.98);
     * // this assertion fails:
     * assertThat(comparison).hasMinCosineAtLeast(0.99);
     * }</pre>
     */
    public ComparisonAssert hasMinCosineAtLeast(double threshold) {
        isNotNull();
        if (!(actual.minCosine() >= threshold)) {
            throwAssertionError(shouldHaveMinCosineAtLeast(actual, threshold));
        }
        return myself;
    }

    /**
     * Verifies that the {@code percentile}-th percentile of the per-text cosines is at least {@code threshold}, e.g.
     * that 95% of texts reach 0.98 with {@code hasPercentileCosineAtLeast(5, 0.98)}. Interpolated as
     * {@code numpy.percentile}. Failure message: {@code ShouldHavePercentileCosineAtLeast}.
     *
     * <pre>{@code
     * // a comparison whose p05 cosine is 0.975
     * // this assertion succeeds:
     * assertThat(comparison).hasPercentileCosineAtLeast(5, 0.97);
     * // this assertion fails:
     * assertThat(comparison).hasPercentileCosineAtLeast(5, 0.98);
     * }</pre>
     *
     * @param percentile in (0, 100]
     * @throws IllegalArgumentException for a percentile outside (0, 100]
     */
    public ComparisonAssert hasPercentileCosineAtLeast(double percentile, double threshold) {
        isNotNull();
        if (!(actual.cosinePercentile(percentile) >= threshold)) {
            throwAssertionError(shouldHavePercentileCosineAtLeast(actual, percentile, threshold));
        }
        return myself;
    }

    /**
     * Verifies that the mean squared error over every element is at most {@code threshold}. Failure message:
     * {@code ShouldHaveMseAtMost}.
     *
     * <pre>{@code
     * // a comparison whose MSE is 0.00234
     * // this assertion succeeds:
     * assertThat(comparison).hasMseAtMost(0.01);
     * // this assertion fails:
     * assertThat(comparison).hasMseAtMost(0.001);
     * }</pre>
     */
    public ComparisonAssert hasMseAtMost(double threshold) {
        isNotNull();
        if (!(actual.mse() <= threshold)) {
            throwAssertionError(shouldHaveMseAtMost(actual, threshold));
        }
        return myself;
    }

    /**
     * Verifies that no element differs by more than {@code threshold}. Failure message:
     * {@code ShouldHaveMaxAbsDiffAtMost}, which says where the largest difference is.
     *
     * <pre>{@code
     * // a comparison whose largest difference is 0.73
     * // this assertion succeeds:
     * assertThat(comparison).hasMaxAbsDiffAtMost(1.0);
     * // this assertion fails:
     * assertThat(comparison).hasMaxAbsDiffAtMost(0.5);
     * }</pre>
     */
    public ComparisonAssert hasMaxAbsDiffAtMost(double threshold) {
        isNotNull();
        if (!(actual.maxAbsDiff() <= threshold)) {
            throwAssertionError(shouldHaveMaxAbsDiffAtMost(actual, threshold));
        }
        return myself;
    }

    /**
     * Verifies that neither the candidate's nor the reference's embeddings hold NaN or Inf. Failure message:
     * {@code ShouldHaveNoNaNOrInf}, which says where the first one is.
     *
     * <pre>{@code
     * // this assertion succeeds on finite embeddings:
     * assertThat(EmbeddingComparison.of(texts, reference, candidate)).hasNoNaNOrInf();
     * // this assertion fails when candidate[4][17] is NaN:
     * assertThat(EmbeddingComparison.of(texts, reference, candidate)).hasNoNaNOrInf();
     * }</pre>
     */
    public ComparisonAssert hasNoNaNOrInf() {
        isNotNull();
        if (actual.nanCount() + actual.infCount() > 0) {
            throwAssertionError(shouldHaveNoNaNOrInf(actual));
        }
        return myself;
    }

    /**
     * Verifies that both matrices have one row per text and the same, rectangular, shape. Failure message:
     * {@code ShouldHaveSameShape}.
     *
     * <pre>{@code
     * // this assertion succeeds for 3 texts, reference 3 x 384, candidate 3 x 384:
     * assertThat(comparison).hasSameShape();
     * // this assertion fails for 3 texts, reference 3 x 384, candidate 3 x 256:
     * assertThat(comparison).hasSameShape();
     * }</pre>
     */
    public ComparisonAssert hasSameShape() {
        isNotNull();
        if (!actual.hasSameShape()) {
            throwAssertionError(shouldHaveSameShape(actual));
        }
        return myself;
    }

    /**
     * Verifies that the candidate ranks pairs of texts by cosine similarity like the reference does: the Spearman
     * correlation of both models' pairwise similarities is at least {@code threshold}. Failure message:
     * {@code ShouldHaveSpearmanAtLeast}.
     *
     * <pre>{@code
     * // a comparison whose pairwise Spearman is 0.953
     * // this assertion succeeds:
     * assertThat(comparison).hasSpearmanAtLeast(0.95);
     * // this assertion fails:
     * assertThat(comparison).hasSpearmanAtLeast(0.99);
     * }</pre>
     */
    public ComparisonAssert hasSpearmanAtLeast(double threshold) {
        isNotNull();
        if (!(actual.spearman() >= threshold)) {
            throwAssertionError(shouldHaveSpearmanAtLeast(actual, threshold));
        }
        return myself;
    }

    /**
     * Verifies that the candidate's similarities of the STS pairs given with
     * {@link EmbeddingComparison#withPairs} correlate (Spearman) with the human scores at least {@code threshold}.
     * Failure message: {@code ShouldHaveStsSpearmanAtLeast}; without pairs it fails with
     * {@code ShouldHaveStsSpearmanAtLeast.shouldHaveStsPairs}.
     *
     * <pre>{@code
     * // a comparison with STS pairs whose candidate reaches 0.81 (the reference 0.82)
     * // this assertion succeeds:
     * assertThat(comparison).hasStsSpearmanAtLeast(0.8);
     * // these assertions fail:
     * assertThat(comparison).hasStsSpearmanAtLeast(0.85);
     * assertThat(EmbeddingComparison.of(texts, reference, candidate)).hasStsSpearmanAtLeast(0.8); // no pairs
     * }</pre>
     */
    public ComparisonAssert hasStsSpearmanAtLeast(double threshold) {
        isNotNull();
        if (actual.sts().isEmpty()) {
            throwAssertionError(shouldHaveStsPairs(threshold));
        }
        if (!(actual.sts().get().candidate() >= threshold)) {
            throwAssertionError(shouldHaveStsSpearmanAtLeast(actual, threshold));
        }
        return myself;
    }

    /**
     * Verifies that on average at least a fraction {@code threshold} of each text's {@code k} nearest neighbours
     * under the reference are also among its {@code k} nearest under the candidate. Failure message:
     * {@code ShouldHaveTopKOverlapAtLeast}.
     *
     * <pre>{@code
     * // a comparison whose top-10 overlap is 0.853
     * // this assertion succeeds:
     * assertThat(comparison).hasTopKOverlapAtLeast(10, 0.8);
     * // this assertion fails:
     * assertThat(comparison).hasTopKOverlapAtLeast(10, 0.9);
     * }</pre>
     *
     * @throws IllegalArgumentException unless {@code 1 <= k <} the number of texts compared
     */
    public ComparisonAssert hasTopKOverlapAtLeast(int k, double threshold) {
        isNotNull();
        if (!(actual.topKOverlap(k).mean() >= threshold)) {
            throwAssertionError(shouldHaveTopKOverlapAtLeast(actual, k, threshold));
        }
        return myself;
    }

    /**
     * Verifies every gate that {@code thresholds} sets (a null gate is not checked), as
     * {@link GateCheck#of} judges them: mean, min and first-percentile cosine, top-10 neighbour overlap and
     * pairwise Spearman at least, MSE, max absolute difference and the STS Spearman drop at most; the gates of
     * {@code config/models.yaml}. The STS gate is checked only on a comparison with human scores. All failing
     * gates are reported together by {@code ShouldMeetThresholds}, each with its own message.
     *
     * <pre>{@code
     * QualityThresholds gates = ModelsConfig.loadDefault().entry("all-minilm-l6-v2", 8).thresholds();
     * // this assertion succeeds on a good 8-bit conversion (mean 0.9987, min 0.995, MSE 3e-6, max diff 0.009):
     * assertThat(comparison).meetsThresholds(gates);
     * // this assertion fails on a comparison with mean cosine 0.962:
     * assertThat(comparison).meetsThresholds(gates);
     * }</pre>
     */
    public ComparisonAssert meetsThresholds(QualityThresholds thresholds) {
        Objects.requireNonNull(thresholds, "thresholds");
        isNotNull();
        List<GateCheck> checks = GateCheck.of(thresholds, actual);
        List<ErrorMessageFactory> failures = new ArrayList<>();
        for (GateCheck check : checks) {
            if (!check.passed()) {
                failures.add(message(check));
            }
        }
        if (!failures.isEmpty()) {
            throwAssertionError(shouldMeetThresholds(checks, failures));
        }
        return myself;
    }

    private ErrorMessageFactory message(GateCheck check) {
        double t = check.threshold();
        return switch (check.gate()) {
            case "mean_cosine" -> shouldHaveMeanCosineAtLeast(actual, t);
            case "min_cosine" -> shouldHaveMinCosineAtLeast(actual, t);
            case "mse" -> shouldHaveMseAtMost(actual, t);
            case "max_abs_diff" -> shouldHaveMaxAbsDiffAtMost(actual, t);
            case "p01_cosine" -> shouldHavePercentileCosineAtLeast(actual, 1, t);
            case "top10_overlap" -> shouldHaveTopKOverlapAtLeast(actual, GateCheck.TOP_K, t);
            case "pairwise_spearman" -> shouldHaveSpearmanAtLeast(actual, t);
            // a drop of at most t: the candidate reaches at least the reference's correlation minus t
            case "sts_spearman_drop" ->
                    shouldHaveStsSpearmanAtLeast(actual, actual.sts().orElseThrow().reference() - t);
            default -> throw new IllegalStateException("no message for the gate " + check.gate());
        };
    }
}

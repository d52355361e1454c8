package dev.quantcheck.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Per-text cosine, MSE and max abs diff, their aggregates and percentiles, against hand computations. */
class EmbeddingComparisonTest {
    private static final double EPS = 1e-12;

    /** Three 2-d texts: identical, 45 degrees apart, orthogonal. */
    private static EmbeddingComparison threeTexts() {
        float[][] reference = {{1, 0}, {0, 1}, {1, 1}};
        float[][] candidate = {{1, 0}, {1, 1}, {1, -1}};
        return EmbeddingComparison.of(List.of("same", "half", "orthogonal"), reference, candidate);
    }

    @Test
    void perTextCosineMseAndMaxAbsDiffAreTheHandComputedOnes() {
        // GIVEN
        EmbeddingComparison c = threeTexts();

        // THEN: cos = dot / (|a| |b|); MSE = mean of squared differences; max |a - b|
        List<TextResult> r = c.results();
        assertThat(r.get(0).cosine()).isCloseTo(1.0, within(EPS));
        assertThat(r.get(0).mse()).isZero();
        assertThat(r.get(0).maxAbsDiff()).isZero();
        assertThat(r.get(1).cosine()).isCloseTo(1 / Math.sqrt(2), within(EPS)); // (0,1).(1,1) = 1, |.| = 1 * sqrt 2
        assertThat(r.get(1).mse()).isCloseTo(0.5, within(EPS));                // (-1)^2 + 0^2, over 2
        assertThat(r.get(1).maxAbsDiff()).isEqualTo(1.0);
        assertThat(r.get(2).cosine()).isCloseTo(0.0, within(EPS));              // (1,1).(1,-1) = 0
        assertThat(r.get(2).mse()).isCloseTo(2.0, within(EPS));                // 0^2 + 2^2, over 2
        assertThat(r.get(2).maxAbsDiff()).isEqualTo(2.0);
        assertThat(r).extracting(TextResult::text).containsExactly("same", "half", "orthogonal");
    }

    @Test
    void aggregatesAreOverAllTextsAndElements() {
        // GIVEN
        EmbeddingComparison c = threeTexts();

        // THEN
        assertThat(c.meanCosine()).isCloseTo((1 + 1 / Math.sqrt(2) + 0) / 3, within(EPS));
        assertThat(c.minCosine()).isCloseTo(0.0, within(EPS));
        assertThat(c.maxCosine()).isCloseTo(1.0, within(EPS));
        assertThat(c.mse()).isCloseTo((0 + 1 + 4) / 6.0, within(EPS)); // every element, not the mean of rows
        assertThat(c.maxAbsDiff()).isEqualTo(2.0);
        assertThat(c.maxAbsDiffAt()).contains(new Element(2, 1, 1f, -1f));
        assertThat(c.textCount()).isEqualTo(3);
        assertThat(c.comparedCount()).isEqualTo(3);
        assertThat(c.countBelow(0.5)).isEqualTo(1);
        assertThat(c.countBelow(1.0)).isEqualTo(2);
        assertThat(c.band()).isEqualTo(Band.POOR);
    }

    @Test
    void percentilesInterpolateLinearlyLikeNumpy() {
        // GIVEN sorted cosines 0, 0.7071, 1: numpy's position is (n - 1) p / 100
        EmbeddingComparison c = threeTexts();

        // THEN
        double half = 1 / Math.sqrt(2);
        assertThat(c.p50()).isCloseTo(half, within(EPS));
        assertThat(c.p01()).isCloseTo(0.02 * half, within(EPS));   // position 0.02
        assertThat(c.p05()).isCloseTo(0.10 * half, within(EPS));   // position 0.1
        assertThat(c.cosinePercentile(75)).isCloseTo(half + 0.5 * (1 - half), within(EPS));
        assertThat(c.cosinePercentile(100)).isCloseTo(1.0, within(EPS));
    }

    @Test
    void percentilesOfElevenEvenlySpacedCosines() {
        // GIVEN cosines 0.0, 0.1, ..., 1.0 in shuffled order
        float[][][] m = Embeddings.withCosines(4, 0.5, 0.0, 1.0, 0.3, 0.8, 0.1, 0.9, 0.2, 0.7, 0.4, 0.6);
        EmbeddingComparison c = EmbeddingComparison.of(texts(11), m[0], m[1]);

        // THEN position = 10 p / 100
        assertThat(c.p01()).isCloseTo(0.01, within(1e-7));
        assertThat(c.p05()).isCloseTo(0.05, within(1e-7));
        assertThat(c.p50()).isCloseTo(0.5, within(1e-7));
        assertThat(c.cosinePercentile(25)).isCloseTo(0.25, within(1e-7));
        assertThatThrownBy(() -> c.cosinePercentile(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("percentile 0.0 is not in (0, 100]");
    }

    @Test
    void theWorstTextsComeLowestCosineFirstWithTiesInTextOrder() {
        // GIVEN
        float[][][] m = Embeddings.withCosines(4, 0.99, 0.5, 0.9, 0.5, 1.0);
        EmbeddingComparison c = EmbeddingComparison.of(List.of("a", "b", "c", "d", "e"), m[0], m[1]);

        // THEN
        assertThat(c.worst(3)).extracting(TextResult::text).containsExactly("b", "d", "c");
        assertThat(c.worst(10)).hasSize(5);
    }

    @Test
    void zeroVectorsAreIdenticalToEachOtherAndOrthogonalToAnythingElse() {
        // GIVEN
        float[][] reference = {{0, 0}, {0, 0}, {1, 0}};
        float[][] candidate = {{0, 0}, {1, 0}, {0, 0}};

        // WHEN
        EmbeddingComparison c = EmbeddingComparison.of(texts(3), reference, candidate);

        // THEN
        assertThat(c.cosines()).containsExactly(1.0, 0.0, 0.0);
    }

    @Test
    void theResultDoesNotChangeWhenTheCallerChangesItsArrays() {
        // GIVEN
        float[][] reference = {{1, 0}, {0, 1}};
        float[][] candidate = {{1, 0}, {0, 1}};
        EmbeddingComparison c = EmbeddingComparison.of(texts(2), reference, candidate);

        // WHEN
        candidate[0][0] = -1;

        // THEN
        assertThat(c.topKOverlap(1).mean()).isEqualTo(1.0);
        assertThat(c.meanCosine()).isEqualTo(1.0);
    }

    @Test
    void nullsAreProgrammingErrors() {
        assertThatThrownBy(() -> EmbeddingComparison.of(texts(1), new float[][] {null}, new float[][] {{1}}))
                .isInstanceOf(NullPointerException.class).hasMessage("reference row 0 is null");
    }

    @Test
    void anEmptyComparisonHasNoNumbers() {
        EmbeddingComparison c = EmbeddingComparison.of(List.of(), new float[0][], new float[0][]);
        assertThat(c.meanCosine()).isNaN();
        assertThat(c.minCosine()).isNaN();
        assertThat(c.mse()).isNaN();
        assertThat(c.maxAbsDiff()).isNaN();
        assertThat(c.cosinePercentile(50)).isNaN();
        assertThat(c.hasSameShape()).isTrue();
        assertThat(c.band()).isEqualTo(Band.POOR);
    }

    static List<String> texts(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> "text " + i).toList();
    }
}

package dev.quantcheck.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.quantcheck.metrics.EmbeddingComparisonTest.texts;
import static org.assertj.core.api.Assertions.assertThat;

/** NaN and Inf in either matrix, and shapes that do not agree: reported, never thrown. */
class NonFiniteAndShapeTest {

    @Test
    void aNaNEmbeddingHasANaNCosineThatCountsAsTheWorst() {
        // GIVEN cosines 1, 0.9, NaN, 0.8
        float[][][] m = Embeddings.withCosines(3, 1.0, 0.9, 0.95, 0.8);
        m[1][2][1] = Float.NaN;

        // WHEN
        EmbeddingComparison c = EmbeddingComparison.of(texts(4), m[0], m[1]);

        // THEN
        assertThat(c.results().get(2).cosine()).isNaN();
        assertThat(c.results().get(2).mse()).isNaN();
        assertThat(c.meanCosine()).isNaN();
        assertThat(c.minCosine()).isNaN();
        assertThat(c.maxCosine()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-7));
        assertThat(c.mse()).isNaN();
        assertThat(c.maxAbsDiff()).isNaN();
        assertThat(c.maxAbsDiffAt()).contains(new Element(2, 1, 0f, Float.NaN));
        assertThat(c.worst(2)).extracting(TextResult::index).containsExactly(2, 3);
        assertThat(c.countBelow(0.0)).isEqualTo(1);
        assertThat(c.band()).isEqualTo(Band.POOR);
        assertThat(c.spearman()).isNaN();
    }

    @Test
    void aPercentileThatReachesANaNTextIsNaN() {
        // GIVEN 11 cosines, one NaN
        float[][][] m = Embeddings.withCosines(3, 0.5, 0.0, 1.0, 0.3, 0.8, 0.1, 0.9, 0.2, 0.7, 0.4, 0.6);
        m[1][1][0] = Float.NaN;
        EmbeddingComparison c = EmbeddingComparison.of(texts(11), m[0], m[1]);

        // THEN the NaN sorts lowest: p05 sits between it and the next, the median does not reach it
        assertThat(c.p05()).isNaN();
        assertThat(c.p01()).isNaN();
        assertThat(c.p50()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-7));
    }

    @Test
    void nanAndInfAreCountedInEachMatrixSeparatelyWithTheFirstOne() {
        // GIVEN
        float[][] reference = {{1, 0, 0}, {0, Float.POSITIVE_INFINITY, 0}};
        float[][] candidate = {{1, Float.NaN, 0}, {Float.NaN, 0, Float.NEGATIVE_INFINITY}};

        // WHEN
        EmbeddingComparison c = EmbeddingComparison.of(texts(2), reference, candidate);

        // THEN
        assertThat(c.candidateNonFinite()).isEqualTo(new NonFinite(2, 1,
                Optional.of(new NonFinite.Location(0, 1, Float.NaN))));
        assertThat(c.referenceNonFinite()).isEqualTo(new NonFinite(0, 1,
                Optional.of(new NonFinite.Location(1, 1, Float.POSITIVE_INFINITY))));
        assertThat(c.nanCount()).isEqualTo(2);
        assertThat(c.infCount()).isEqualTo(2);
        assertThat(c.results()).extracting(TextResult::cosine).containsOnly(Double.NaN);
    }

    @Test
    void anInfiniteDifferenceIsTheLargest() {
        float[][] reference = {{1, 0}, {0, 1}};
        float[][] candidate = {{1, 0}, {0, Float.POSITIVE_INFINITY}};
        EmbeddingComparison c = EmbeddingComparison.of(texts(2), reference, candidate);
        assertThat(c.maxAbsDiff()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(c.maxAbsDiffAt()).contains(new Element(1, 1, 1f, Float.POSITIVE_INFINITY));
        assertThat(c.results().get(1).cosine()).isNaN();
    }

    @Test
    void finiteEmbeddingsHaveNoNonFiniteValues() {
        float[][][] m = Embeddings.withCosines(3, 0.9, 0.8);
        EmbeddingComparison c = EmbeddingComparison.of(texts(2), m[0], m[1]);
        assertThat(c.candidateNonFinite().isEmpty()).isTrue();
        assertThat(c.referenceNonFinite()).isEqualTo(new NonFinite(0, 0, Optional.empty()));
    }

    @Test
    void differentDimensionsAreReportedAndEveryTextIsNaN() {
        // GIVEN 3 x 2 against 3 x 3
        float[][] reference = {{1, 0}, {0, 1}, {1, 1}};
        float[][] candidate = {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}};

        // WHEN
        EmbeddingComparison c = EmbeddingComparison.of(texts(3), reference, candidate);

        // THEN
        assertThat(c.hasSameShape()).isFalse();
        assertThat(c.shapeMismatch()).contains("reference 3 x 2, candidate 3 x 3 for 3 texts");
        assertThat(c.referenceShape()).isEqualTo(new Shape(3, 2, 2));
        assertThat(c.candidateShape().columns()).isEqualTo(3);
        assertThat(c.comparedCount()).isEqualTo(3);
        assertThat(c.cosines()).containsOnly(Double.NaN);
        assertThat(c.meanCosine()).isNaN();
        assertThat(c.mse()).isNaN();
        assertThat(c.maxAbsDiffAt()).contains(new Element(0, 2, Float.NaN, 0f));
    }

    @Test
    void differentCountsCompareTheRowsTheyShare() {
        // GIVEN 3 texts, 4 reference rows, 3 candidate rows
        float[][] reference = {{1, 0}, {0, 1}, {1, 1}, {5, 5}};
        float[][] candidate = {{1, 0}, {0, 1}, {1, 1}};

        // WHEN
        EmbeddingComparison c = EmbeddingComparison.of(texts(3), reference, candidate);

        // THEN
        assertThat(c.shapeMismatch()).contains("reference 4 x 2, candidate 3 x 2 for 3 texts");
        assertThat(c.comparedCount()).isEqualTo(3);
        assertThat(c.meanCosine()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void raggedRowsAreAShapeMismatch() {
        // GIVEN the candidate's second row is one short
        float[][] reference = {{1, 0, 0}, {0, 1, 0}};
        float[][] candidate = {{1, 0, 0}, {0, 1}};

        // WHEN
        EmbeddingComparison c = EmbeddingComparison.of(texts(2), reference, candidate);

        // THEN
        assertThat(c.shapeMismatch()).contains("reference 2 x 3, candidate 2 x (2 to 3) for 2 texts");
        assertThat(c.candidateShape().isRectangular()).isFalse();
        assertThat(c.candidateShape().columns()).isEqualTo(-1);
        assertThat(c.results().get(0).cosine()).isEqualTo(1.0);
        assertThat(c.results().get(1).cosine()).isNaN();
    }

    @Test
    void textsWithoutEmbeddingsAreAShapeMismatch() {
        EmbeddingComparison c = EmbeddingComparison.of(List.of("a", "b"), new float[][] {{1}},
                new float[][] {{1}});
        assertThat(c.shapeMismatch()).contains("reference 1 x 1, candidate 1 x 1 for 2 texts");
        assertThat(c.comparedCount()).isEqualTo(1);
    }
}

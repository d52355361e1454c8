package dev.quantcheck.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.quantcheck.metrics.EmbeddingComparisonTest.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Spearman correlations: pairwise similarities reference vs candidate, and each model vs STS human scores. */
class RankCorrelationTest {

    @Test
    void pairwiseSpearmanIsTheHandComputedRankCorrelation() {
        // GIVEN unit vectors at angles (below 90 degrees apart, so a smaller angle is a higher cosine):
        // reference 0, 10, 25, 70 -> pair angles (0,1) 10, (0,2) 25, (0,3) 70, (1,2) 15, (1,3) 60, (2,3) 45
        //   ranks by angle: 1, 3, 6, 2, 5, 4
        // candidate 0, 12, 33, 50 -> pair angles 12, 33, 50, 21, 38, 17
        //   ranks by angle: 1, 4, 6, 3, 5, 2
        // d = 0, -1, 0, -1, 0, 2: sum d^2 = 6; rho = 1 - 6 * 6 / (6 * (36 - 1)) = 1 - 36 / 210 = 29 / 35
        float[][] reference = Embeddings.atAngles(3, 0, 10, 25, 70);
        float[][] candidate = Embeddings.atAngles(3, 0, 12, 33, 50);

        // WHEN
        EmbeddingComparison c = EmbeddingComparison.of(texts(4), reference, candidate);

        // THEN
        assertThat(c.spearman()).isCloseTo(29.0 / 35, within(1e-12));
        assertThat(c.spearmanPairs()).isEqualTo(6);
        assertThat(c.totalPairs()).isEqualTo(6);
        assertThat(c.isSpearmanSampled()).isFalse();
    }

    @Test
    void identicalEmbeddingsRankIdentically() {
        float[][] m = Embeddings.random(30, 16, 1);
        EmbeddingComparison c = EmbeddingComparison.of(texts(30), m, m);
        assertThat(c.spearman()).isCloseTo(1.0, within(1e-12));
        assertThat(c.spearmanPairs()).isEqualTo(30 * 29 / 2);
    }

    @Test
    void fewerThanThreeTextsHaveNoPairwiseSpearman() {
        float[][] m = Embeddings.random(2, 4, 1);
        assertThat(EmbeddingComparison.of(texts(2), m, m).spearman()).isNaN();
    }

    @Test
    void manyTextsUseAFixedSampleOfPairs() {
        // GIVEN 800 texts: 319,600 pairs, above the cap
        float[][] reference = Embeddings.random(800, 8, 1);
        float[][] candidate = Embeddings.perturbed(reference, 0.05, 2);

        // WHEN
        EmbeddingComparison first = EmbeddingComparison.of(texts(800), reference, candidate);
        EmbeddingComparison second = EmbeddingComparison.of(texts(800), reference, candidate);

        // THEN
        assertThat(first.totalPairs()).isEqualTo(319_600);
        assertThat(first.spearmanPairs()).isEqualTo(EmbeddingComparison.MAX_SPEARMAN_PAIRS);
        assertThat(first.isSpearmanSampled()).isTrue();
        assertThat(first.spearman()).isEqualTo(second.spearman()).isBetween(0.9, 1.0);
    }

    @Test
    void stsSpearmanComparesEachModelsSimilaritiesWithHumanScores() {
        // GIVEN pairs (0,1) (0,2) (0,3) (1,2) with human scores 5, 3, 0, 2
        // reference pair angles 10, 25, 70, 15 -> similarity ranks (ascending) 4, 2, 1, 3
        // human score ranks (ascending) 4, 3, 1, 2 -> d = 0, -1, 0, 1; rho = 1 - 6 * 2 / (4 * 15) = 0.8
        // the candidate moves text 2 to -25 degrees: pair angles 10, 25, 70, 35 -> ranks 4, 3, 1, 2: rho = 1
        float[][] reference = Embeddings.atAngles(3, 0, 10, 25, 70);
        float[][] moved = Embeddings.atAngles(3, 0, 10, 25, 70);
        moved[2] = Embeddings.atAngles(3, -25)[0]; // (0,2) still 25, (1,2) now 35
        EmbeddingComparison base = EmbeddingComparison.of(texts(4), reference, moved);

        // WHEN
        EmbeddingComparison c = base.withPairs(List.of(new int[] {0, 1}, new int[] {0, 2}, new int[] {0, 3},
                new int[] {1, 2}), new double[] {5, 3, 0, 2});

        // THEN
        assertThat(base.sts()).isEmpty();
        assertThat(c.sts()).isPresent();
        assertThat(c.sts().get().pairs()).isEqualTo(4);
        assertThat(c.sts().get().reference()).isCloseTo(0.8, within(1e-12));
        assertThat(c.sts().get().candidate()).isCloseTo(1.0, within(1e-12));
        assertThat(c.meanCosine()).isEqualTo(base.meanCosine());
        assertThat(c.pairs()).hasSize(4);
        assertThat(c.humanScores()).containsExactly(5, 3, 0, 2);
    }

    @Test
    void pairsAreValidated() {
        float[][] m = Embeddings.random(3, 4, 1);
        EmbeddingComparison c = EmbeddingComparison.of(texts(3), m, m);
        assertThatThrownBy(() -> c.withPairs(List.of(new int[] {0, 1}), new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("1 pairs but 2 human scores; give one score per pair");
        assertThatThrownBy(() -> c.withPairs(List.of(new int[] {0, 3}), new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pair 0 names text 3 but there are 3 texts");
        assertThatThrownBy(() -> c.withPairs(List.of(new int[] {0, 1, 2}), new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("pair 0 has 3 indices; give two");
    }
}

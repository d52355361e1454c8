package dev.quantcheck.metrics;

import org.junit.jupiter.api.Test;

import static dev.quantcheck.metrics.EmbeddingComparisonTest.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Top-k nearest-neighbour overlap against hand-worked neighbours. */
class NeighbourOverlapTest {
    // reference angles 0, 10, 25, 90, 100; the candidate moves text 4 from 100 to 45 degrees
    private static final float[][] REFERENCE = Embeddings.atAngles(3, 0, 10, 25, 90, 100);
    private static final float[][] CANDIDATE = Embeddings.atAngles(3, 0, 10, 25, 90, 45);

    @Test
    void topOneOverlapCountsTextsWhoseNearestNeighbourStayed() {
        // nearest under the reference: 0->1, 1->0, 2->1, 3->4, 4->3
        // nearest under the candidate: 0->1, 1->0, 2->1 (15 vs 20 degrees), 3->4 (45), 4->2 (20)
        NeighbourOverlap o = EmbeddingComparison.of(texts(5), REFERENCE, CANDIDATE).topKOverlap(1);

        assertThat(o.k()).isEqualTo(1);
        assertThat(o.perText()).extracting(TextScore::value).containsExactly(1.0, 1.0, 1.0, 1.0, 0.0);
        assertThat(o.mean()).isCloseTo(0.8, within(1e-12));
        assertThat(o.queries()).isEqualTo(5);
    }

    @Test
    void topTwoOverlapIsTheSharedFractionOfTwoNeighbours() {
        // reference: 0->{1,2}, 1->{0,2}, 2->{1,0}, 3->{4,2}, 4->{3,2}
        // candidate: 0->{1,2}, 1->{0,2}, 2->{1,4}, 3->{4,2}, 4->{2,1}
        NeighbourOverlap o = EmbeddingComparison.of(texts(5), REFERENCE, CANDIDATE).topKOverlap(2);

        assertThat(o.perText()).extracting(TextScore::value).containsExactly(1.0, 1.0, 0.5, 1.0, 0.5);
        assertThat(o.mean()).isCloseTo(0.8, within(1e-12));
        assertThat(o.perText().get(4).text()).isEqualTo("text 4");
    }

    @Test
    void identicalEmbeddingsKeepEveryNeighbour() {
        float[][] m = Embeddings.random(50, 16, 3);
        assertThat(EmbeddingComparison.of(texts(50), m, m).topKOverlap(10).mean()).isEqualTo(1.0);
    }

    @Test
    void aNaNEmbeddingRanksLastAsANeighbour() {
        // GIVEN the candidate's text 1 (the nearest of 0 and 2) is NaN
        float[][] candidate = Embeddings.atAngles(3, 0, 10, 25, 90, 100);
        candidate[1][0] = Float.NaN;

        // WHEN
        NeighbourOverlap o = EmbeddingComparison.of(texts(5), REFERENCE, candidate).topKOverlap(1);

        // THEN 0 -> 2 instead of 1; 1 -> (all NaN) 0 by index; 2 -> 0 instead of 1
        assertThat(o.perText()).extracting(TextScore::value).containsExactly(0.0, 1.0, 0.0, 1.0, 1.0);
    }

    @Test
    void kMustLeaveAtLeastOneOtherText() {
        EmbeddingComparison c = EmbeddingComparison.of(texts(5), REFERENCE, CANDIDATE);
        assertThatThrownBy(() -> c.topKOverlap(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top-5 overlap needs 1 <= k < the number of texts compared (5)");
        assertThatThrownBy(() -> c.topKOverlap(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theOverlapIsComputedOnceAndKept() {
        EmbeddingComparison c = EmbeddingComparison.of(texts(5), REFERENCE, CANDIDATE);
        assertThat(c.topKOverlap(2)).isSameAs(c.topKOverlap(2));
    }
}

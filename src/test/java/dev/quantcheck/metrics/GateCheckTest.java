package dev.quantcheck.metrics;

import dev.quantcheck.conversion.QualityThresholds;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GateCheckTest {
    static final QualityThresholds EVERY_GATE = new QualityThresholds(0.99, 0.9, 1e-3, 0.5, 0.95, 0.8, 0.9, 0.02, 3.0);

    static List<String> texts(int n) {
        return IntStream.range(0, n).mapToObj(i -> "text " + i).toList();
    }

    @Test
    void everyGateThatAppliesIsJudgedInTheFilesOrderOnTheComparisonsOwnMetrics() {
        float[][] reference = Embeddings.random(40, 16, 3);
        EmbeddingComparison c = EmbeddingComparison.of(texts(40), reference, Embeddings.perturbed(reference, 0.05, 4));

        List<GateCheck> checks = GateCheck.of(EVERY_GATE, c);

        assertThat(checks).extracting(GateCheck::gate).containsExactly("mean_cosine", "min_cosine", "mse",
                "max_abs_diff", "p01_cosine", "top10_overlap", "pairwise_spearman");
        assertThat(checks.get(0).actual()).isEqualTo(c.meanCosine());
        assertThat(checks.get(2).actual()).isEqualTo(c.mse());
        assertThat(checks.get(4).actual()).isEqualTo(c.p01());
        assertThat(checks.get(5).actual()).isEqualTo(c.topKOverlap(10).mean());
        assertThat(checks.get(6).actual()).isEqualTo(c.spearman());
        assertThat(checks).allSatisfy(g -> assertThat(g.passed()).isEqualTo(
                g.atLeast() ? g.actual() >= g.threshold() : g.actual() <= g.threshold()));
        // min_compression_ratio is a gate on the model folder, not on a comparison; the STS gate needs human scores
        assertThat(GateCheck.notApplicable(EVERY_GATE, c)).containsExactly(
                "sts_spearman_drop (needs a corpus with human scores: an STS Benchmark .tsv)");
    }

    @Test
    void theNeighbourGateNeedsMoreTextsThanNeighbours() {
        float[][] reference = Embeddings.random(10, 8, 1);
        EmbeddingComparison c = EmbeddingComparison.of(texts(10), reference, reference);
        assertThat(GateCheck.of(EVERY_GATE, c)).extracting(GateCheck::gate).doesNotContain("top10_overlap");
        assertThat(GateCheck.notApplicable(EVERY_GATE, c)).first().asString()
                .isEqualTo("top10_overlap (needs more than 10 texts; the corpus has 10)");
    }

    @Test
    void theStsDropIsTheReferencesCorrelationMinusTheCandidates() {
        // the pairs of RankCorrelationTest: reference 0.8, candidate 1.0 with the human scores -> a drop of -0.2
        float[][] reference = Embeddings.atAngles(3, 0, 10, 25, 70);
        float[][] moved = Embeddings.atAngles(3, 0, 10, 25, 70);
        moved[2] = Embeddings.atAngles(3, -25)[0];
        EmbeddingComparison c = EmbeddingComparison.of(texts(4), reference, moved).withPairs(List.of(new int[] {0, 1},
                new int[] {0, 2}, new int[] {0, 3}, new int[] {1, 2}), new double[] {5, 3, 0, 2});

        GateCheck drop = GateCheck.of(EVERY_GATE, c).stream().filter(g -> g.gate().equals("sts_spearman_drop"))
                .findFirst().orElseThrow();

        assertThat(drop.actual()).isCloseTo(-0.2, within(1e-12));
        assertThat(drop.passed()).isTrue();
        assertThat(new GateCheck("sts_spearman_drop", false, 0.02, 0.03).passed()).isFalse();
    }

    @Test
    void nanPassesNoGateAndTheLineSaysSo() {
        assertThat(new GateCheck("mean_cosine", true, 0.99, Double.NaN).passed()).isFalse();
        assertThat(new GateCheck("mse", false, 0.001, Double.NaN).passed()).isFalse();
        assertThat(new GateCheck("p01_cosine", true, 0.89, 0.91073).toString()).isEqualTo("p01_cosine 0.91073 >= 0.89: passed");
        assertThat(new GateCheck("mse", false, 0.00025, 3.1e-4).toString()).isEqualTo("mse 0.00031000 <= 0.00025: FAILED");
    }
}

package dev.quantcheck.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.quantcheck.metrics.EmbeddingComparisonTest.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code toJson()}: the results.json of {@code quantcheck compare}. */
class ComparisonJsonTest {

    @Test
    void theJsonHoldsEveryMetricUnderThePlansNames() throws Exception {
        // GIVEN
        float[][] reference = Embeddings.atAngles(3, 0, 10, 25, 90, 100);
        float[][] candidate = Embeddings.atAngles(3, 0, 10, 25, 90, 45);
        EmbeddingComparison c = EmbeddingComparison.of(texts(5), reference, candidate)
                .withPairs(List.of(new int[] {0, 1}, new int[] {0, 3}, new int[] {2, 4}), new double[] {5, 0, 2});

        // WHEN the JSON goes through text and back
        JsonNode json = new ObjectMapper().readTree(c.toJson().toString());

        // THEN
        assertThat(json.get("n_texts").asInt()).isEqualTo(5);
        assertThat(json.get("n_compared").asInt()).isEqualTo(5);
        assertThat(json.at("/cosine/mean").asDouble()).isEqualTo(c.meanCosine());
        assertThat(json.at("/cosine/min").asDouble()).isEqualTo(c.minCosine());
        assertThat(json.at("/cosine/max").asDouble()).isEqualTo(c.maxCosine());
        assertThat(json.at("/cosine/p01").asDouble()).isEqualTo(c.p01());
        assertThat(json.at("/cosine/p05").asDouble()).isEqualTo(c.p05());
        assertThat(json.at("/cosine/p50").asDouble()).isEqualTo(c.p50());
        assertThat(json.get("mse").asDouble()).isEqualTo(c.mse());
        assertThat(json.get("max_abs_diff").asDouble()).isEqualTo(c.maxAbsDiff());
        assertThat(json.at("/max_abs_diff_at/text").asInt()).isEqualTo(4);
        assertThat(json.get("nan_count").asLong()).isZero();
        assertThat(json.get("inf_count").asLong()).isZero();
        assertThat(json.get("spearman").asDouble()).isEqualTo(c.spearman());
        assertThat(json.get("spearman_pairs").asInt()).isEqualTo(10);
        assertThat(json.get("spearman_sampled").asBoolean()).isFalse();
        assertThat(json.at("/top_k/k").asInt()).isEqualTo(4);
        assertThat(json.at("/top_k/overlap").asDouble()).isEqualTo(c.topKOverlap(4).mean());
        assertThat(json.at("/sts/pairs").asInt()).isEqualTo(3);
        assertThat(json.at("/sts/spearman_reference").asDouble()).isEqualTo(c.sts().get().reference());
        assertThat(json.at("/sts/spearman_candidate").asDouble()).isEqualTo(c.sts().get().candidate());
        assertThat(json.get("band").asText()).isEqualTo("ACCEPTABLE"); // (4 + cos 55) / 5 = 0.915
        assertThat(json.get("band_label").asText()).isEqualTo("ACCEPTABLE: 0.90-0.95");
        assertThat(json.at("/shape/reference").toString()).isEqualTo("[5,3]");
        assertThat(json.at("/shape/same").asBoolean()).isTrue();
        assertThat(json.at("/shape/mismatch").isNull()).isTrue();
        assertThat(json.get("worst")).hasSize(5);
        assertThat(json.at("/worst/0/text").asText()).isEqualTo("text 4");
        assertThat(json.at("/worst/0/cosine").asDouble()).isCloseTo(Math.cos(Math.toRadians(55)), within(1e-6));
        assertThat(json.at("/worst/0/index").asInt()).isEqualTo(4);
    }

    @Test
    void nanAndMismatchesAreWrittenAsNullsAndCounts() {
        // GIVEN
        float[][] reference = {{1, 0}, {0, 1}};
        float[][] candidate = {{Float.NaN, 0}, {0, 1}};
        EmbeddingComparison c = EmbeddingComparison.of(List.of("a", "b", "c"), reference, candidate);

        // WHEN
        JsonNode json = c.toJson();

        // THEN
        assertThat(json.at("/cosine/mean").isNull()).isTrue();
        assertThat(json.at("/cosine/min").isNull()).isTrue();
        assertThat(json.at("/cosine/max").asDouble()).isEqualTo(1.0);
        assertThat(json.get("mse").isNull()).isTrue();
        assertThat(json.get("nan_count").asLong()).isEqualTo(1);
        assertThat(json.at("/non_finite/candidate/nan").asLong()).isEqualTo(1);
        assertThat(json.at("/non_finite/reference/nan").asLong()).isZero();
        assertThat(json.at("/shape/mismatch").asText()).isEqualTo("reference 2 x 2, candidate 2 x 2 for 3 texts");
        assertThat(json.at("/top_k/k").asInt()).isEqualTo(1);
        assertThat(json.get("sts").isNull()).isTrue();
        assertThat(json.at("/worst/0/text").asText()).isEqualTo("a");
        assertThat(json.at("/worst/0/cosine").isNull()).isTrue();
    }
}

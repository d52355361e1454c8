package dev.quantcheck.conversion;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Quality gates for a converted model against its original, read by tests and {@code compare}. Each is optional
 * (null: not gated).
 *
 * @param meanCosine minimum mean cosine similarity of sentence embeddings
 * @param minCosine  minimum cosine similarity of the worst text
 * @param mse        maximum mean squared error of embeddings
 * @param maxAbsDiff maximum absolute difference of any embedding element
 */
public record QualityThresholds(@JsonProperty("mean_cosine") Double meanCosine,
                                @JsonProperty("min_cosine") Double minCosine,
                                @JsonProperty("mse") Double mse,
                                @JsonProperty("max_abs_diff") Double maxAbsDiff) {
    /** No gates. */
    public static final QualityThresholds NONE = new QualityThresholds(null, null, null, null);
}

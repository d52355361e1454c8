package dev.quantcheck.conversion;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Quality gates for a converted model against its original, read from an entry's {@code thresholds} in
 * {@code config/models.yaml} by tests, {@code compare} and {@code demo}. Each is optional (null: not gated).
 *
 * <p>For L2-normalised embeddings, MSE and the largest element difference follow from the cosines
 * ({@code |a - b|^2 = 2 - 2 cos}), so they add little on models that normalise; the cosine percentile, the
 * neighbour overlap and the Spearman gates catch what the mean hides: a few texts that drift, retrieval results
 * that change, and similarity rankings that no longer hold.
 *
 * @param meanCosine       minimum mean cosine similarity of sentence embeddings
 * @param minCosine        minimum cosine similarity of the worst text
 * @param mse              maximum mean squared error of embedding elements
 * @param maxAbsDiff       maximum absolute difference of any embedding element
 * @param p01Cosine        minimum first percentile of the cosine similarities
 * @param top10Overlap     minimum mean fraction of each text's 10 nearest neighbours (reference) that stay among
 *                         its 10 nearest (candidate)
 * @param pairwiseSpearman minimum Spearman correlation of all pairwise similarities, reference vs candidate
 * @param stsSpearmanDrop  maximum drop of the STS Spearman correlation with human scores, reference minus
 *                         candidate; checked only on a corpus with human scores (STS Benchmark pairs)
 * @param minCompressionRatio minimum ratio of the original's weight bytes to the converted model's: a gate on the
 *                         model folder, not on a comparison (the others are), so
 *                         {@code assertThat(model.path()).hasCompressionRatioAtLeast(...)} checks it
 */
public record QualityThresholds(@JsonProperty("mean_cosine") Double meanCosine,
                                @JsonProperty("min_cosine") Double minCosine,
                                @JsonProperty("mse") Double mse,
                                @JsonProperty("max_abs_diff") Double maxAbsDiff,
                                @JsonProperty("p01_cosine") Double p01Cosine,
                                @JsonProperty("top10_overlap") Double top10Overlap,
                                @JsonProperty("pairwise_spearman") Double pairwiseSpearman,
                                @JsonProperty("sts_spearman_drop") Double stsSpearmanDrop,
                                @JsonProperty("min_compression_ratio") Double minCompressionRatio) {
    /** No gates. */
    public static final QualityThresholds NONE = new QualityThresholds(null, null, null, null);

    /** The four element-wise gates only: mean and min cosine, MSE, max absolute difference. */
    public QualityThresholds(Double meanCosine, Double minCosine, Double mse, Double maxAbsDiff) {
        this(meanCosine, minCosine, mse, maxAbsDiff, null, null, null, null, null);
    }
}

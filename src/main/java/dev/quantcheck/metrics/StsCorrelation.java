package dev.quantcheck.metrics;

/**
 * How well each model's cosine similarities of sentence pairs rank like human similarity scores (STS).
 *
 * @param pairs     the number of scored pairs
 * @param reference Spearman correlation of the reference's similarities with the human scores
 * @param candidate Spearman correlation of the candidate's similarities with the human scores
 */
public record StsCorrelation(int pairs, double reference, double candidate) {
}

package dev.quantcheck.metrics;

import java.util.List;

/**
 * Top-k nearest-neighbour overlap: for each query text, the fraction of its k nearest neighbours under the
 * reference (by cosine similarity, itself excluded) that are also among its k nearest under the candidate.
 *
 * @param k       neighbours per text
 * @param mean    the mean fraction over the queries, in [0, 1]
 * @param perText each query's fraction, in text order
 */
public record NeighbourOverlap(int k, double mean, List<TextScore> perText) {
    public NeighbourOverlap {
        perText = List.copyOf(perText);
    }

    /** How many texts were queried (all of them, or a deterministic sample for large comparisons). */
    public int queries() {
        return perText.size();
    }
}

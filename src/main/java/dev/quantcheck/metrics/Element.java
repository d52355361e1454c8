package dev.quantcheck.metrics;

/**
 * One element of the compared embeddings: where it is and both values.
 *
 * @param text      the row (text index)
 * @param dimension the column
 * @param reference the reference's value there (NaN when the reference row is too short)
 * @param candidate the candidate's value there (NaN when the candidate row is too short)
 */
public record Element(int text, int dimension, float reference, float candidate) {
}

package dev.quantcheck.metrics;

/**
 * How one text's candidate embedding compares with its reference embedding.
 *
 * @param index      the text's position in the compared list
 * @param text       the text
 * @param cosine     cosine similarity; NaN when either embedding holds NaN or Inf, or their lengths differ
 * @param mse        mean squared difference over the embedding's elements
 * @param maxAbsDiff largest absolute difference of one element
 */
public record TextResult(int index, String text, double cosine, double mse, double maxAbsDiff) {
}

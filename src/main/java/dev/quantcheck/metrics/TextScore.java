package dev.quantcheck.metrics;

/**
 * One text with one value, e.g. its nearest-neighbour overlap.
 *
 * @param index the text's position in the compared list
 * @param text  the text
 * @param value the value
 */
public record TextScore(int index, String text, double value) {
}

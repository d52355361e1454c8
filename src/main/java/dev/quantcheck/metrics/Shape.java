package dev.quantcheck.metrics;

/**
 * The shape of an embedding matrix: rows (texts) and the shortest and longest row, equal for a proper matrix.
 *
 * @param rows       the number of embeddings
 * @param minColumns the length of the shortest row (0 without rows)
 * @param maxColumns the length of the longest row (0 without rows)
 */
public record Shape(int rows, int minColumns, int maxColumns) {

    static Shape of(float[][] matrix) {
        if (matrix.length == 0) {
            return new Shape(0, 0, 0);
        }
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (float[] row : matrix) {
            min = Math.min(min, row.length);
            max = Math.max(max, row.length);
        }
        return new Shape(matrix.length, min, max);
    }

    /** True when every row has the same length. */
    public boolean isRectangular() {
        return minColumns == maxColumns;
    }

    /** The embedding dimension, or -1 when rows differ in length. */
    public int columns() {
        return isRectangular() ? minColumns : -1;
    }

    /** {@code "689 x 384"}, or {@code "689 x (383 to 384)"} when rows differ in length. */
    @Override
    public String toString() {
        return rows + " x " + (isRectangular() ? Integer.toString(minColumns)
                : "(" + minColumns + " to " + maxColumns + ")");
    }
}

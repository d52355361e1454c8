package dev.quantcheck.metrics;

import dev.quantcheck.format.NonFiniteValues;

import java.util.Optional;

/**
 * The NaN and infinite values of one embedding matrix.
 *
 * @param nanCount   how many elements are NaN
 * @param infCount   how many elements are +Inf or -Inf
 * @param first      the first non-finite element in row-major order (row, column, value), if any
 */
public record NonFinite(long nanCount, long infCount, Optional<Location> first) {

    /** Where the first non-finite value is, and which. */
    public record Location(int text, int dimension, float value) {
    }

    static NonFinite scan(float[][] matrix) {
        long nan = 0;
        long inf = 0;
        Location first = null;
        for (int r = 0; r < matrix.length; r++) {
            NonFiniteValues row = NonFiniteValues.scan("text " + r, matrix[r], new long[] {matrix[r].length});
            if (row == null) {
                continue;
            }
            nan += row.nanCount();
            inf += row.infCount();
            if (first == null) {
                first = new Location(r, Math.toIntExact(row.firstIndex().get(0)), row.firstValue());
            }
        }
        return new NonFinite(nan, inf, Optional.ofNullable(first));
    }

    /** {@code nanCount + infCount}. */
    public long total() {
        return nanCount + infCount;
    }

    public boolean isEmpty() {
        return total() == 0;
    }
}

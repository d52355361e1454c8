package dev.quantcheck.inspection;

import java.util.List;

/**
 * The NaN and infinite values of one stored float tensor (a weight, scales or biases).
 *
 * @param tensor     the tensor's name
 * @param nanCount   how many values are NaN
 * @param infCount   how many values are +Inf or -Inf
 * @param firstIndex the index of the first non-finite value in row-major order, one entry per dimension
 *                   ({@code [row, col]} for a matrix)
 * @param firstValue that value: NaN, +Inf or -Inf
 */
public record NonFiniteValues(String tensor, long nanCount, long infCount, List<Long> firstIndex, float firstValue) {
    public NonFiniteValues {
        firstIndex = List.copyOf(firstIndex);
    }

    /**
     * Counts the non-finite values of a row-major tensor.
     *
     * @return null when every value is finite
     */
    static NonFiniteValues scan(String tensor, float[] values, long[] shape) {
        long nan = 0;
        long inf = 0;
        int first = -1;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (Float.isFinite(v)) {
                continue;
            }
            if (Float.isNaN(v)) {
                nan++;
            } else {
                inf++;
            }
            if (first < 0) {
                first = i;
            }
        }
        return first < 0 ? null : new NonFiniteValues(tensor, nan, inf, unravel(first, shape), values[first]);
    }

    /** The multi-index of flat position {@code flat} in a row-major tensor of {@code shape}. */
    static List<Long> unravel(long flat, long[] shape) {
        Long[] index = new Long[Math.max(shape.length, 1)];
        long rest = flat;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            index[axis] = rest % shape[axis];
            rest /= shape[axis];
        }
        if (shape.length == 0) {
            index[0] = flat;
        }
        return List.of(index);
    }

    @Override
    public String toString() {
        return tensor + ": " + nanCount + " NaN, " + infCount + " Inf, first " + firstValue + " at " + firstIndex;
    }
}

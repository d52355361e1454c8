package dev.quantcheck.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The NaN and infinite values of one stored float tensor (a weight, scales or biases).
 *
 * <p>Found when a model is loaded for inference or conversion, which refuse them, and listed by {@code inspect}.
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
    public static NonFiniteValues scan(String tensor, float[] values, long[] shape) {
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

    /**
     * Counts the non-finite values of a stored F32, F16 or BF16 tensor from its bits (an exponent of all ones),
     * without decoding it.
     *
     * @return null when every value is finite, or the tensor is not a float tensor
     */
    static NonFiniteValues scan(TensorInfo info, ByteBuffer bytes) {
        int width = info.dtype().itemSize();
        int exponent = switch (info.dtype()) {
            case F32 -> 0x7F80_0000;
            case F16 -> 0x7C00;
            case BF16 -> 0x7F80;
            default -> 0;
        };
        if (exponent == 0) {
            return null;
        }
        ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = le.position();
        long n = info.numel();
        long nan = 0;
        long inf = 0;
        long first = -1;
        for (long i = 0; i < n; i++) {
            int bits = width == 4 ? le.getInt(base + (int) (4 * i)) : le.getShort(base + (int) (2 * i)) & 0xFFFF;
            if ((bits & exponent) != exponent) {
                continue;
            }
            boolean isNan = (bits & ~exponent & (width == 4 ? 0x7FFF_FFFF : 0x7FFF)) != 0;
            if (isNan) {
                nan++;
            } else {
                inf++;
            }
            if (first < 0) {
                first = i;
            }
        }
        if (first < 0) {
            return null;
        }
        float value = TensorBytes.toFloat(info.dtype(), le, base + (int) (width * first));
        return new NonFiniteValues(info.name(), nan, inf, unravel(first, info.shape()), value);
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

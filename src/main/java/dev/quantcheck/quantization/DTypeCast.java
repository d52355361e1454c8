package dev.quantcheck.quantization;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.HalfFloats;

/**
 * Rounding float32 values through a weight dtype (F32, F16 or BF16), as MLX's {@code astype} does: round to
 * nearest, ties to even.
 *
 * <p>MLX quantizes weights <em>after</em> casting them to the checkpoint dtype, so a faithful re-quantizer must
 * round its inputs through that dtype first; this is the one place that does it.
 */
public final class DTypeCast {
    private DTypeCast() {
    }

    /** The float32 value of {@code value} cast to {@code dtype} (identity for F32). */
    public static float round(float value, DType dtype) {
        switch (dtype) {
            case F32:
                return value;
            case F16:
                return HalfFloats.f16ToFloat(HalfFloats.floatToF16(value));
            case BF16:
                return HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(value));
            default:
                throw new IllegalArgumentException(dtype.fileName()
                        + " is not a weight float type; use F32, F16 or BF16");
        }
    }

    /** A new array with every value cast to {@code dtype}. */
    public static float[] round(float[] values, DType dtype) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = round(values[i], dtype);
        }
        return out;
    }

    /** True when casting {@code value} to {@code dtype} and back gives the same bits (NaN never counts as exact). */
    public static boolean isExact(float value, DType dtype) {
        return Float.floatToRawIntBits(round(value, dtype)) == Float.floatToRawIntBits(value) && !Float.isNaN(value);
    }
}

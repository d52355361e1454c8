package dev.quantcheck.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Decoding of raw little-endian tensor bytes into Java arrays. */
public final class TensorBytes {
    private TensorBytes() {
    }

    /**
     * The values of an F32, F16 or BF16 tensor as float32.
     *
     * @param source named in the error when the dtype is not a float type
     */
    public static float[] toFloats(TensorInfo info, ByteBuffer bytes, Path source) {
        if (info.numel() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(source + ": tensor '" + info.name() + "' has " + info.numel()
                    + " elements, too many for one float[]");
        }
        ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) info.numel()];
        switch (info.dtype()) {
            case F32:
                le.asFloatBuffer().get(out);
                break;
            case F16:
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfFloats.f16ToFloat(le.getShort(2 * i));
                }
                break;
            case BF16:
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfFloats.bf16ToFloat(le.getShort(2 * i));
                }
                break;
            default:
                throw new IllegalArgumentException(source + ": tensor '" + info.name() + "' is "
                        + info.dtype().fileName() + ", not a float tensor (F32, F16 or BF16)");
        }
        return out;
    }

    /** The F32, F16 or BF16 value at byte {@code offset} of little-endian {@code bytes}. */
    static float toFloat(DType dtype, ByteBuffer bytes, int offset) {
        ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case F32 -> le.getFloat(offset);
            case F16 -> HalfFloats.f16ToFloat(le.getShort(offset));
            case BF16 -> HalfFloats.bf16ToFloat(le.getShort(offset));
            default -> throw new IllegalArgumentException(dtype.fileName() + " is not a float type (F32, F16 or BF16)");
        };
    }

    /** Encodes float32 values in {@code dtype} (F32, F16 or BF16, rounding to nearest even) as little-endian bytes. */
    public static ByteBuffer fromFloats(float[] values, DType dtype) {
        ByteBuffer out = ByteBuffer.allocate(values.length * dtype.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32:
                out.asFloatBuffer().put(values);
                break;
            case F16:
                for (float v : values) {
                    out.putShort(HalfFloats.floatToF16(v));
                }
                break;
            case BF16:
                for (float v : values) {
                    out.putShort(HalfFloats.floatToBf16(v));
                }
                break;
            default:
                throw new IllegalArgumentException(dtype.fileName() + " is not a float type (F32, F16 or BF16)");
        }
        return out.position(0);
    }

    /** The values of a U32 tensor as Java ints (bit patterns kept). */
    public static int[] toInts(TensorInfo info, ByteBuffer bytes) {
        ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[(int) info.numel()];
        le.asIntBuffer().get(out);
        return out;
    }

    /** Little-endian bytes of int values, for U32/I32 tensors. */
    public static ByteBuffer fromInts(int[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.asIntBuffer().put(values);
        return out;
    }
}

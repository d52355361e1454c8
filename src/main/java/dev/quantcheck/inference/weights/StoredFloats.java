package dev.quantcheck.inference.weights;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.HalfFloats;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Per-group scales or biases in the dtype they are stored in: 16-bit patterns for F16/BF16, floats for F32. */
final class StoredFloats {
    private final DType dtype;
    private final short[] halves;
    private final float[] floats;

    private StoredFloats(DType dtype, short[] halves, float[] floats) {
        this.dtype = dtype;
        this.halves = halves;
        this.floats = floats;
    }

    /** From the little-endian bytes of an F32, F16 or BF16 tensor of {@code count} elements. */
    static StoredFloats fromBytes(ByteBuffer bytes, DType dtype, int count) {
        if (!dtype.isWeightFloat()) {
            throw new IllegalArgumentException("scales and biases are F32, F16 or BF16, not " + dtype.fileName());
        }
        if (bytes.remaining() != (long) count * dtype.itemSize()) {
            throw new IllegalArgumentException(bytes.remaining() + " bytes for " + count + " " + dtype.fileName()
                    + " values");
        }
        ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.F32) {
            float[] f = new float[count];
            le.asFloatBuffer().get(f);
            return new StoredFloats(dtype, null, f);
        }
        short[] h = new short[count];
        le.asShortBuffer().get(h);
        return new StoredFloats(dtype, h, null);
    }

    /** From float values that are exact in {@code dtype} (as {@code QuantizedTensor} holds them). */
    static StoredFloats of(float[] values, DType dtype) {
        switch (dtype) {
            case F32:
                return new StoredFloats(dtype, null, values.clone());
            case F16:
            case BF16: {
                short[] h = new short[values.length];
                for (int i = 0; i < values.length; i++) {
                    h[i] = dtype == DType.F16 ? HalfFloats.floatToF16(values[i]) : HalfFloats.floatToBf16(values[i]);
                }
                return new StoredFloats(dtype, h, null);
            }
            default:
                throw new IllegalArgumentException("scales and biases are F32, F16 or BF16, not " + dtype.fileName());
        }
    }

    float get(int i) {
        if (floats != null) {
            return floats[i];
        }
        return dtype == DType.BF16 ? Float.intBitsToFloat((halves[i] & 0xFFFF) << 16) : HalfFloats.f16ToFloat(halves[i]);
    }

    DType dtype() {
        return dtype;
    }

    long residentBytes() {
        return floats != null ? 4L * floats.length : 2L * halves.length;
    }
}

package dev.quantcheck.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An ONNX {@code TensorProto}: an initializer or a {@code Constant} node's value.
 *
 * <p>Whatever field the file stored the values in ({@code raw_data} or one of the typed repeated fields), {@link
 * #data()} holds them as little-endian bytes in row-major order, the layout safetensors uses.
 *
 * @param name     the tensor's name (empty for an attribute's value)
 * @param dataType the ONNX {@code TensorProto.DataType} code, e.g. {@link #FLOAT}
 * @param dims     the shape, outermost first (empty for a scalar)
 * @param data     the values as little-endian bytes, read-only, position 0
 */
public record OnnxTensor(String name, int dataType, long[] dims, ByteBuffer data) {
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int UINT16 = 4;
    public static final int INT16 = 5;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int STRING = 8;
    public static final int BOOL = 9;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;
    public static final int UINT32 = 12;
    public static final int UINT64 = 13;
    public static final int BFLOAT16 = 16;

    public OnnxTensor {
        dims = dims.clone();
        data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** A fresh view of the bytes: little-endian, position 0; never copies. */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code axis}; negative axes count from the end. */
    public long dim(int axis) {
        return dims[axis < 0 ? dims.length + axis : axis];
    }

    /** Number of elements: the product of the dims, 1 for a scalar. */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** The values of a FLOAT tensor. */
    public float[] floats() {
        requireType(FLOAT);
        float[] out = new float[Math.toIntExact(numel())];
        data().asFloatBuffer().get(out);
        return out;
    }

    /** The values of an INT64 tensor. */
    public long[] longs() {
        requireType(INT64);
        long[] out = new long[Math.toIntExact(numel())];
        data().asLongBuffer().get(out);
        return out;
    }

    /** The values of an INT64 or INT32 tensor as longs. */
    public long[] integers() {
        if (dataType == INT32) {
            int[] ints = new int[Math.toIntExact(numel())];
            data().asIntBuffer().get(ints);
            return Arrays.stream(ints).asLongStream().toArray();
        }
        return longs();
    }

    /** The single value of a one-element FLOAT or DOUBLE tensor. */
    public double scalar() {
        if (numel() != 1 || (dataType != FLOAT && dataType != DOUBLE)) {
            throw new IllegalStateException("tensor '" + name + "' is " + typeName(dataType) + " "
                    + Arrays.toString(dims) + ", not a one-element float");
        }
        return dataType == FLOAT ? data().getFloat(0) : data().getDouble(0);
    }

    private void requireType(int expected) {
        if (dataType != expected) {
            throw new IllegalStateException("tensor '" + name + "' is " + typeName(dataType) + ", not "
                    + typeName(expected));
        }
    }

    /** Bytes per element of an ONNX data type, or -1 for STRING and unknown codes. */
    public static int itemSize(int dataType) {
        switch (dataType) {
            case UINT8: case INT8: case BOOL: return 1;
            case UINT16: case INT16: case FLOAT16: case BFLOAT16: return 2;
            case FLOAT: case INT32: case UINT32: return 4;
            case INT64: case DOUBLE: case UINT64: return 8;
            default: return -1;
        }
    }

    /** The ONNX spelling of a data type code, e.g. {@code FLOAT}, or {@code type 42} for an unknown one. */
    public static String typeName(int dataType) {
        switch (dataType) {
            case FLOAT: return "FLOAT";
            case UINT8: return "UINT8";
            case INT8: return "INT8";
            case UINT16: return "UINT16";
            case INT16: return "INT16";
            case INT32: return "INT32";
            case INT64: return "INT64";
            case STRING: return "STRING";
            case BOOL: return "BOOL";
            case FLOAT16: return "FLOAT16";
            case DOUBLE: return "DOUBLE";
            case UINT32: return "UINT32";
            case UINT64: return "UINT64";
            case BFLOAT16: return "BFLOAT16";
            default: return "type " + dataType;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnnxTensor t && name.equals(t.name) && dataType == t.dataType
                && Arrays.equals(dims, t.dims) && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + typeName(dataType) + " " + Arrays.toString(dims);
    }
}

package dev.quantcheck.format;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header: its dtype, shape and byte range inside the data section.
 *
 * @param name  the tensor's key
 * @param dtype its element type
 * @param shape its dimensions, outermost first (a copy is kept; never mutated)
 * @param begin first byte, relative to the start of the data section
 * @param end   one past the last byte, relative to the start of the data section
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code axis}; negative axes count from the end, as in numpy. */
    public long dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements (the product of the shape; 1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public long byteSize() {
        return end - begin;
    }

    /** The shape as numpy prints it, e.g. {@code [384, 1536]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype.fileName() + " " + shapeString();
    }
}

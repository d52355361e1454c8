package dev.quantcheck.quantization;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.TensorBytes;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An affine-quantized matrix as MLX stores it: {@code weight} U32 {@code [rows, cols*bits/32]} and
 * {@code scales}, {@code biases} in dtype T {@code [rows, cols/groupSize]}.
 *
 * <p>{@code scales} and {@code biases} hold the float32 values of the stored T numbers, so every one of them is
 * exactly representable in {@code dtype}. The arrays are shared, not copied: treat them as read-only.
 *
 * @param words  packed codes, one LSB-first bit stream per row ({@link BitPacking}); uint32 bit patterns
 * @param scales per-group scales, row-major, possibly negative
 * @param biases per-group biases, row-major
 */
public record QuantizedTensor(int rows, int cols, int bits, int groupSize, DType dtype,
                              int[] words, float[] scales, float[] biases) {

    public QuantizedTensor {
        QuantizationMode.AFFINE.requireSupported(bits, groupSize);
        Objects.requireNonNull(dtype, "dtype");
        if (!dtype.isWeightFloat()) {
            throw new IllegalArgumentException("scale dtype " + dtype.fileName()
                    + " is not supported; use F32, F16 or BF16");
        }
        if (rows < 0 || cols <= 0 || cols % groupSize != 0) {
            throw new IllegalArgumentException("shape [" + rows + ", " + cols + "] does not fit group size "
                    + groupSize + "; cols must be a positive multiple of it");
        }
        requireLength("words", words.length, (long) rows * cols * bits / 32);
        requireLength("scales", scales.length, (long) rows * (cols / groupSize));
        requireLength("biases", biases.length, (long) rows * (cols / groupSize));
        for (int i = 0; i < scales.length; i++) {
            if (!DTypeCast.isExact(scales[i], dtype) || !DTypeCast.isExact(biases[i], dtype)) {
                throw new IllegalArgumentException("group " + i + ": scale " + scales[i] + " or bias " + biases[i]
                        + " is not a " + dtype.fileName() + " value; store them rounded to the dtype");
            }
        }
    }

    /** uint32 words per row: {@code cols * bits / 32}. */
    public int wordsPerRow() {
        return cols * bits / 32;
    }

    /** Groups (scales, biases) per row: {@code cols / groupSize}. */
    public int groupsPerRow() {
        return cols / groupSize;
    }

    /** The code stored for element {@code [row, col]}, in {@code [0, 2^bits)}. */
    public int code(int row, int col) {
        return BitPacking.codeAt(words, row * wordsPerRow(), col, bits);
    }

    /** The stored (T-rounded) scale of group {@code group} of {@code row}. */
    public float scale(int row, int group) {
        return scales[row * groupsPerRow() + group];
    }

    /** The stored (T-rounded) bias of group {@code group} of {@code row}. */
    public float bias(int row, int group) {
        return biases[row * groupsPerRow() + group];
    }

    // ---------------------------------------------------------------- dequantize

    /**
     * Writes the {@code groupSize} values {@code scale * q + bias} of one group, in float32 from the stored scale
     * and bias, to {@code out[offset...]}. MLX computes in T, so its results agree within 1 ulp of T.
     */
    public void dequantizeGroup(int row, int group, float[] out, int offset) {
        float scale = scale(row, group);
        float bias = bias(row, group);
        int rowWords = row * wordsPerRow();
        int first = group * groupSize;
        for (int i = 0; i < groupSize; i++) {
            out[offset + i] = scale * BitPacking.codeAt(words, rowWords, first + i, bits) + bias;
        }
    }

    /** Writes row {@code row} ({@code cols} values) to {@code out[0, cols)} without copying the whole matrix. */
    public void dequantizeRow(int row, float[] out) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        for (int group = 0; group < groupsPerRow(); group++) {
            dequantizeGroup(row, group, out, group * groupSize);
        }
    }

    // ---------------------------------------------------------------- bytes as MLX stores them

    /** The {@code weight} tensor's bytes: U32 little-endian. */
    public ByteBuffer wordBytes() {
        return TensorBytes.fromInts(words);
    }

    /** The {@code scales} tensor's bytes, little-endian in {@link #dtype()}. */
    public ByteBuffer scaleBytes() {
        return TensorBytes.fromFloats(scales, dtype);
    }

    /** The {@code biases} tensor's bytes, little-endian in {@link #dtype()}. */
    public ByteBuffer biasBytes() {
        return TensorBytes.fromFloats(biases, dtype);
    }

    // ---------------------------------------------------------------- value semantics over the arrays

    @Override
    public boolean equals(Object other) {
        return other instanceof QuantizedTensor that
                && rows == that.rows && cols == that.cols && bits == that.bits && groupSize == that.groupSize
                && dtype == that.dtype && Arrays.equals(words, that.words)
                && Arrays.equals(scales, that.scales) && Arrays.equals(biases, that.biases);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, cols, bits, groupSize, dtype,
                Arrays.hashCode(words), Arrays.hashCode(scales), Arrays.hashCode(biases));
    }

    @Override
    public String toString() {
        return "QuantizedTensor[affine " + rows + "x" + cols + ", bits=" + bits + ", groupSize=" + groupSize
                + ", dtype=" + dtype.fileName() + "]";
    }

    private static void requireLength(String name, int actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(name + " has " + actual + " elements, expected " + expected);
        }
    }
}

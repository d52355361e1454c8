package dev.quantcheck.quantization;

import dev.quantcheck.format.TensorBytes;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A matrix in one of MLX's floating-point quantization modes (mxfp4, mxfp8, nvfp4): {@code weight} U32
 * {@code [rows, cols*bits/32]} of E2M1 or E4M3 codes and {@code scales} U8 {@code [rows, cols/groupSize]}
 * of E8M0 or E4M3 codes, with no biases (docs/mlx-quantized-format.md section 3).
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 *
 * @param words       packed element codes, LSB-first per row (element 0 in the low nibble or byte)
 * @param scales      one scale code per group, row-major (the bytes of the U8 tensor)
 * @param globalScale nvfp4's optional float32 tensor scale; {@code null} when absent, always for the mx modes
 */
public record FpQuantizedTensor(QuantizationMode mode, int rows, int cols, int[] words, byte[] scales,
                                Float globalScale) {

    /** {@code 448 * 6}: the largest E4M3 scale times the largest E2M1 element, in float32 as MLX has it. */
    static final float NVFP4_SCALE_RANGE = 448f * 6f;

    public FpQuantizedTensor {
        Objects.requireNonNull(mode, "mode");
        if (mode == QuantizationMode.AFFINE) {
            throw new IllegalArgumentException("affine is not a floating-point mode; use QuantizedTensor");
        }
        if (rows < 0 || cols <= 0 || cols % mode.defaultGroupSize() != 0) {
            throw new IllegalArgumentException("last dimension " + cols + " is not divisible by group size "
                    + mode.defaultGroupSize() + " (rows " + rows + ")");
        }
        if (globalScale != null && mode != QuantizationMode.NVFP4) {
            throw new IllegalArgumentException("global_scale is only used by nvfp4, not " + mode.configName());
        }
        if (globalScale != null && !(globalScale > 0f && Float.isFinite(globalScale))) {
            throw new IllegalArgumentException("global_scale " + globalScale + " must be a positive finite float");
        }
        long expectedWords = (long) rows * cols * mode.defaultBits() / 32;
        if (words.length != expectedWords) {
            throw new IllegalArgumentException("words has " + words.length + " elements, expected " + expectedWords);
        }
        long expectedScales = (long) rows * (cols / mode.defaultGroupSize());
        if (scales.length != expectedScales) {
            throw new IllegalArgumentException("scales has " + scales.length + " elements, expected "
                    + expectedScales);
        }
    }

    /** Bits per element: 4 for mxfp4 and nvfp4, 8 for mxfp8. */
    public int bits() {
        return mode.defaultBits();
    }

    /** Elements per scale: 32 for the mx modes, 16 for nvfp4. */
    public int groupSize() {
        return mode.defaultGroupSize();
    }

    /** uint32 words per row. */
    public int wordsPerRow() {
        return cols * bits() / 32;
    }

    /** Groups per row. */
    public int groupsPerRow() {
        return cols / groupSize();
    }

    /** The element code of {@code [row, col]}. */
    public int code(int row, int col) {
        return BitPacking.codeAt(words, row * wordsPerRow(), col, bits());
    }

    /** The scale code (unsigned) of group {@code group} of {@code row}. */
    public int scaleCode(int row, int group) {
        return scales[row * groupsPerRow() + group] & 0xFF;
    }

    // ---------------------------------------------------------------- dequantize

    /**
     * The float32 multiplier of one group: the decoded scale code, times {@code global_scale / (448*6)} for
     * nvfp4 with a global scale, in the order of MLX's {@code fp_dequantize} kernel.
     */
    public float groupScale(int row, int group) {
        int code = scaleCode(row, group);
        float scale = mode == QuantizationMode.NVFP4 ? MiniFloats.e4m3Value(code) : MiniFloats.e8m0Value(code);
        if (globalScale != null) {
            scale *= globalScale / NVFP4_SCALE_RANGE;
        }
        return scale;
    }

    /** Writes the {@code groupSize} values {@code scale * value(code)} of one group to {@code out[offset...]}. */
    public void dequantizeGroup(int row, int group, float[] out, int offset) {
        float scale = groupScale(row, group);
        int rowWords = row * wordsPerRow();
        int first = group * groupSize();
        for (int i = 0; i < groupSize(); i++) {
            int code = BitPacking.codeAt(words, rowWords, first + i, bits());
            float value = bits() == 4 ? MiniFloats.e2m1Value(code) : MiniFloats.e4m3Value(code);
            out[offset + i] = scale * value;
        }
    }

    /** Writes row {@code row} ({@code cols} values, float32) to {@code out[0, cols)}. */
    public void dequantizeRow(int row, float[] out) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        for (int group = 0; group < groupsPerRow(); group++) {
            dequantizeGroup(row, group, out, group * groupSize());
        }
    }

    /** The {@code weight} tensor's bytes: U32 little-endian. */
    public ByteBuffer wordBytes() {
        return TensorBytes.fromInts(words);
    }

    // ---------------------------------------------------------------- value semantics over the arrays

    @Override
    public boolean equals(Object other) {
        return other instanceof FpQuantizedTensor that
                && mode == that.mode && rows == that.rows && cols == that.cols
                && Arrays.equals(words, that.words) && Arrays.equals(scales, that.scales)
                && Objects.equals(globalScale, that.globalScale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, rows, cols, Arrays.hashCode(words), Arrays.hashCode(scales), globalScale);
    }

    @Override
    public String toString() {
        return "FpQuantizedTensor[" + mode.configName() + " " + rows + "x" + cols
                + (globalScale == null ? "" : ", globalScale=" + globalScale) + "]";
    }
}

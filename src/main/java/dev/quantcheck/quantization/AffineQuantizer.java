package dev.quantcheck.quantization;

import dev.quantcheck.format.DType;

/**
 * MLX's affine quantization ({@code mx.quantize(w, group_size, bits, mode="affine")}), bit-identical to MLX
 * since v0.23.2 on the backend that {@link Rounding} names (docs/mlx-quantized-format.md section 1).
 *
 * <p>Groups are {@code groupSize} consecutive values along a row. Every per-group step is one float32 IEEE
 * operation, in the order of MLX's kernels; only the stored scale and bias are rounded to the weight dtype T.
 */
public final class AffineQuantizer {
    private static final float EPS = 1e-7f;

    private AffineQuantizer() {
    }

    /**
     * A group's scale and bias in float32, before the cast to T. The scale is negative when the group is
     * anchored at its maximum; the codes are computed from these values, never from the T-rounded ones.
     */
    public record GroupParameters(float scale, float bias) {
    }

    // ---------------------------------------------------------------- quantize

    /** {@link #quantize(float[], int, int, int, int, DType, Rounding)} with GPU rounding, what a Mac produces. */
    public static QuantizedTensor quantize(float[] weights, int rows, int cols, int bits, int groupSize,
                                           DType dtype) {
        return quantize(weights, rows, cols, bits, groupSize, dtype, Rounding.GPU);
    }

    /**
     * Quantizes a row-major {@code [rows, cols]} matrix.
     *
     * @param weights  values already cast to {@code dtype} (see {@link DTypeCast#round(float[], DType)}): MLX
     *                 quantizes after the cast, and the result depends on it
     * @param dtype    the weight dtype T, which the scales and biases are stored in: F32, F16 or BF16
     * @param rounding which MLX backend to reproduce
     * @throws IllegalArgumentException for unsupported bits or group size, a shape that does not fit, or a weight
     *                                  that is not finite or not representable in {@code dtype}
     */
    public static QuantizedTensor quantize(float[] weights, int rows, int cols, int bits, int groupSize,
                                           DType dtype, Rounding rounding) {
        QuantizationMode.AFFINE.requireSupported(bits, groupSize);
        requireShape(weights, rows, cols, groupSize, dtype);
        int groupsPerRow = cols / groupSize;
        int wordsPerRow = cols * bits / 32;
        int[] words = new int[rows * wordsPerRow];
        float[] scales = new float[rows * groupsPerRow];
        float[] biases = new float[rows * groupsPerRow];
        int[] codes = new int[groupSize];
        for (int row = 0; row < rows; row++) {
            for (int group = 0; group < groupsPerRow; group++) {
                int from = row * cols + group * groupSize;
                GroupParameters parameters = groupParameters(weights, from, groupSize, bits, rounding);
                for (int i = 0; i < groupSize; i++) {
                    codes[i] = code(weights[from + i], parameters, bits, rounding);
                }
                // a group is gs*bits/32 whole words, so groups pack independently
                int wordOffset = row * wordsPerRow + group * groupSize * bits / 32;
                BitPacking.packInto(codes, 0, groupSize, bits, words, wordOffset);
                scales[row * groupsPerRow + group] = DTypeCast.round(parameters.scale(), dtype);
                biases[row * groupsPerRow + group] = DTypeCast.round(parameters.bias(), dtype);
            }
        }
        return new QuantizedTensor(rows, cols, bits, groupSize, dtype, words, scales, biases);
    }

    /**
     * The float32 scale and bias of the group {@code weights[from, from + length)}, as MLX's kernels compute
     * them: anchored at the endpoint of larger magnitude, then fixed up so that 0.0 falls on the grid.
     */
    public static GroupParameters groupParameters(float[] weights, int from, int length, int bits,
                                                  Rounding rounding) {
        float nBins = (1 << bits) - 1;
        float wMin = Float.POSITIVE_INFINITY;
        // the Metal and CUDA kernels start the max-reduction at 0, so all-negative groups span [w_min, 0]
        float wMax = rounding.groupMaxStartsAtZero() ? 0f : Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + length; i++) {
            wMin = Math.min(wMin, weights[i]);
            wMax = Math.max(wMax, weights[i]);
        }
        float scale = Math.max((wMax - wMin) / nBins, EPS);
        boolean anchoredAtMin = Math.abs(wMin) > Math.abs(wMax);
        scale = anchoredAtMin ? scale : -scale;
        float edge = anchoredAtMin ? wMin : wMax;
        float q0 = rounding.round(edge / scale);
        if (q0 == 0f) {
            // only when the whole group is within eps/2 of zero
            return new GroupParameters(scale, 0f);
        }
        return new GroupParameters(edge / q0, edge);
    }

    /** The code of one weight: {@code clamp(round((w - bias) / scale), 0, 2^bits - 1)}, in float32. */
    public static int code(float weight, GroupParameters parameters, int bits, Rounding rounding) {
        float nBins = (1 << bits) - 1;
        float q = rounding.round((weight - parameters.bias()) / parameters.scale());
        return (int) Math.min(Math.max(q, 0f), nBins);
    }

    // ---------------------------------------------------------------- dequantize

    /**
     * All values {@code scale * q + bias} in float32, row-major {@code [rows, cols]}. Kernels that want one row
     * at a time use {@link QuantizedTensor#dequantizeRow} instead.
     */
    public static float[] dequantize(QuantizedTensor tensor) {
        float[] out = new float[tensor.rows() * tensor.cols()];
        float[] row = new float[tensor.cols()];
        for (int r = 0; r < tensor.rows(); r++) {
            tensor.dequantizeRow(r, row);
            System.arraycopy(row, 0, out, r * tensor.cols(), tensor.cols());
        }
        return out;
    }

    // ---------------------------------------------------------------- validation

    private static void requireShape(float[] weights, int rows, int cols, int groupSize, DType dtype) {
        if (!dtype.isWeightFloat()) {
            throw new IllegalArgumentException("scale dtype " + dtype.fileName()
                    + " is not supported; use F32, F16 or BF16");
        }
        QuantizerInputs.requireFiniteMatrix(weights, rows, cols, groupSize);
        for (int i = 0; i < weights.length; i++) {
            if (!DTypeCast.isExact(weights[i], dtype)) {
                throw new IllegalArgumentException("weight [" + i / cols + ", " + i % cols + "] = " + weights[i]
                        + " is not representable in " + dtype.fileName() + "; cast the weights to "
                        + dtype.fileName() + " first (DTypeCast.round), as MLX quantizes after the cast");
            }
        }
    }
}

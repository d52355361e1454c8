package dev.quantcheck.quantization;

/**
 * MLX's floating-point quantization modes, encoded as the Metal {@code fp_quantize} kernel does
 * (docs/mlx-quantized-format.md section 3, "Quantize (GPU)"), and decoded as {@code fp_dequantize} does.
 *
 * <p>Only the GPU encoder exists here. MLX's CPU fallback computes the scale in the input dtype, rounds with
 * {@code rint} and breaks fp4 ties towards the lower table index, so it can differ on ties.
 */
public final class FpQuantizer {
    private FpQuantizer() {
    }

    // ---------------------------------------------------------------- quantize

    /** Quantizes with the mode's only bits and group size and no global scale. */
    public static FpQuantizedTensor quantize(float[] weights, int rows, int cols, QuantizationMode mode) {
        return quantize(weights, rows, cols, mode, mode.defaultBits(), mode.defaultGroupSize(), null);
    }

    /**
     * Quantizes a row-major {@code [rows, cols]} matrix (values as read from its dtype, in float32).
     *
     * @param bits        must be the mode's (4 or 8); taken so that a wrong request fails as in MLX
     * @param groupSize   must be the mode's (32, or 16 for nvfp4)
     * @param globalScale nvfp4 only, may be {@code null}: a positive float32 tensor scale, usually {@code max|w|}
     * @throws IllegalArgumentException for affine, a bits or group size the mode does not take, a global scale
     *                                  outside nvfp4, a shape that does not fit, or a non-finite weight
     */
    public static FpQuantizedTensor quantize(float[] weights, int rows, int cols, QuantizationMode mode,
                                             int bits, int groupSize, Float globalScale) {
        if (mode == QuantizationMode.AFFINE) {
            throw new IllegalArgumentException("affine is not a floating-point mode; use AffineQuantizer");
        }
        mode.requireSupported(bits, groupSize);
        QuantizerInputs.requireFiniteMatrix(weights, rows, cols, groupSize);
        requireGlobalScale(mode, globalScale);
        int groupsPerRow = cols / groupSize;
        int wordsPerRow = cols * bits / 32;
        int[] words = new int[rows * wordsPerRow];
        byte[] scales = new byte[rows * groupsPerRow];
        // scale_enc: 1, or (448*6)/global_scale for nvfp4 with a tensor scale
        float scaleEnc = globalScale == null ? 1f : FpQuantizedTensor.NVFP4_SCALE_RANGE / globalScale;
        int[] codes = new int[groupSize];
        for (int row = 0; row < rows; row++) {
            for (int group = 0; group < groupsPerRow; group++) {
                int from = row * cols + group * groupSize;
                int scaleCode = encodeGroup(weights, from, groupSize, mode, globalScale != null, scaleEnc, codes);
                scales[row * groupsPerRow + group] = (byte) scaleCode;
                int wordOffset = row * wordsPerRow + group * groupSize * bits / 32;
                BitPacking.packInto(codes, 0, groupSize, bits, words, wordOffset);
            }
        }
        return new FpQuantizedTensor(mode, rows, cols, words, scales, globalScale);
    }

    /** Encodes one group's elements into {@code codes} and returns its scale code. */
    private static int encodeGroup(float[] weights, int from, int length, QuantizationMode mode,
                                   boolean hasGlobalScale, float scaleEnc, int[] codes) {
        float absMax = 0f;
        for (int i = from; i < from + length; i++) {
            absMax = Math.max(absMax, Math.abs(weights[i]));
        }
        boolean fp4 = mode.defaultBits() == 4;
        float scale = absMax / (fp4 ? 6f : 448f);
        if (hasGlobalScale) {
            scale *= scaleEnc;
        }
        boolean e4m3Scale = mode == QuantizationMode.NVFP4;
        int scaleCode = e4m3Scale ? MiniFloats.encodeE4m3(scale) : MiniFloats.encodeE8m0(scale, Rounding.GPU);
        float decoded = e4m3Scale ? MiniFloats.e4m3Value(scaleCode) : MiniFloats.e8m0Value(scaleCode);
        // the kernel divides once per group and multiplies per element; a zero scale sends everything to 0
        float multiplier = decoded == 0f ? 0f : scaleEnc / decoded;
        for (int i = 0; i < length; i++) {
            float x = weights[from + i] * multiplier;
            codes[i] = fp4 ? MiniFloats.encodeE2m1(x) : MiniFloats.encodeE4m3(x);
        }
        return scaleCode;
    }

    // ---------------------------------------------------------------- dequantize

    /** All values, row-major {@code [rows, cols]}, in float32 (MLX then casts, to bfloat16 by default). */
    public static float[] dequantize(FpQuantizedTensor tensor) {
        float[] out = new float[tensor.rows() * tensor.cols()];
        float[] row = new float[tensor.cols()];
        for (int r = 0; r < tensor.rows(); r++) {
            tensor.dequantizeRow(r, row);
            System.arraycopy(row, 0, out, r * tensor.cols(), tensor.cols());
        }
        return out;
    }

    private static void requireGlobalScale(QuantizationMode mode, Float globalScale) {
        if (globalScale == null) {
            return;
        }
        if (mode != QuantizationMode.NVFP4) {
            throw new IllegalArgumentException("global_scale is only used by nvfp4, not " + mode.configName());
        }
        if (!(globalScale > 0f && Float.isFinite(globalScale))) {
            throw new IllegalArgumentException("global_scale " + globalScale + " must be a positive finite float");
        }
    }

}

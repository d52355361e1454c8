package dev.quantcheck.inference;

import dev.quantcheck.inference.kernels.Kernels;

/**
 * The weight matrix W [rows = outputs, cols = inputs] of a Linear or Embedding layer, as it is resident in memory:
 * float32, float16/bfloat16, or MLX-packed codes with per-group scales (and biases). Implementations never hold a
 * full float copy of a quantized or 16-bit weight; kernels decode small panels into per-thread scratch.
 *
 * <p>For affine layers, {@code W[n][k] = scale[n][g] * q[n][k] + bias[n][g]} with {@code g = k / groupSize}. The
 * panel holds only {@code scale * q}; the bias part is added by the matmul as {@code sum_g bias[n][g] * X[m][g]},
 * with {@code X[m][g]} the sum of the group's inputs, computed once per token (MLX's own arithmetic).
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface LinearWeight {
    /** Output features (rows of W). */
    int rows();

    /** Input features (columns of W). */
    int cols();

    /** Bytes this weight keeps resident (packed codes, scales, biases, or floats). */
    long residentBytes();

    /**
     * Writes rows {@code [row0, row0 + count)} as a K-major panel: {@code panel[k * count + j] = W'[row0 + j][k]}
     * for {@code k < cols()}, where {@code W'} is W without its group-bias part ({@code scale * q} for affine
     * layers, the weight itself otherwise).
     */
    void decodePanel(int row0, int count, float[] panel);

    /**
     * {@link #decodePanel(int, int, float[])} with the unpacking done by {@code kernels} where the layout allows
     * it; writes the same values. The default ignores {@code kernels}.
     */
    default void decodePanel(int row0, int count, float[] panel, Kernels kernels) {
        decodePanel(row0, count, panel);
    }

    /** Group size of the bias part, or 0 when the layer has none: float and fp-mode layers, the default. */
    default int biasGroupSize() {
        return 0;
    }

    /** The bias of group {@code group} of row {@code row}; only called when {@link #biasGroupSize()} > 0. */
    default float groupBias(int row, int group) {
        throw new UnsupportedOperationException(storage() + " has no group biases");
    }

    /** Row {@code row} of the full W (bias part included) into {@code out[offset, offset + cols())}: embedding lookups. */
    void decodeRow(int row, float[] out, int offset);

    /** A short description for reports, e.g. {@code "affine 4-bit g64 (F16 scales)"} or {@code "F32"}. */
    String storage();
}

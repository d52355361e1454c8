package dev.quantcheck.inference.kernels;

/**
 * The float kernels of the encoder: a panel GEMM, reductions, GELU, softmax, LayerNorm and element-wise ops, plus
 * the unpacking of {@link TiledCodes} into matmul panels.
 *
 * <p>Two implementations: {@link ScalarKernels} (plain Java, the test oracle and the fallback) and
 * {@code VectorKernels} (jdk.incubator.vector). Get one from {@link KernelProvider}. Implementations are
 * stateless and thread-safe; every method works in place on the arrays it is given and allocates nothing.
 */
public interface Kernels {

    /**
     * {@code y[i*ldy + yCol + j] += sum_kk x[i*k + kk] * panel[kk*np + j]} for {@code i < m, j < np}: x is
     * row-major {@code [m, k]}, the panel K-major {@code [k, np]} as {@code LinearWeight.decodePanel} writes it.
     * Accumulates into y.
     */
    void gemmPanel(float[] x, int m, int k, float[] panel, int np, float[] y, int ldy, int yCol);

    /** {@code sum_i a[aOffset + i] * b[bOffset + i]} for {@code i < length}. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** {@code sum_i a[offset + i]} for {@code i < length}. */
    float sum(float[] a, int offset, int length);

    /**
     * Exact (erf) GELU in place: {@code 0.5*x*(1 + erf(x/sqrt(2)))}, with erfc from Abramowitz-Stegun 7.1.26
     * ({@code t*poly5(t)*exp(-z^2)}, |erf error| <= 1.5e-7) and {@code Phi(x) = 1 - erfc/2} or {@code erfc/2} by
     * sign, so there is no cancellation for negative x. Scalar: in double, within {@code 1.3e-7 * max(1, |x|)} of
     * the exact GELU; vector: in float, within {@code 1.8e-7 * max(1, |x|)}. +Infinity stays +Infinity; -Infinity
     * gives NaN (as {@code -inf * 0}).
     */
    void geluErf(float[] x, int offset, int length);

    /**
     * Softmax in place, with the maximum subtracted first. Entries of -Infinity give 0; a slice that is all
     * -Infinity gives all 0 (not NaN).
     */
    void softmax(float[] x, int offset, int length);

    /**
     * LayerNorm in place: {@code (x - mean) / sqrt(var + eps) * gamma[i] + beta[i]} with the biased variance
     * (divided by length), mean first, then the variance around it (two passes). {@code gamma} and {@code beta}
     * are indexed from 0. Scalar accumulates in double, vector in float lanes; {@code 1/sqrt} is taken in double.
     */
    void layerNorm(float[] x, int offset, int length, float[] gamma, float[] beta, float eps);

    /** {@code acc[accOffset + i] += b[bOffset + i]}. */
    void add(float[] acc, int accOffset, float[] b, int bOffset, int length);

    /** {@code x[offset + i] *= s}. */
    void scale(float[] x, int offset, int length, float s);

    /**
     * Unpacks one group of one full 16-row tile of {@link TiledCodes} into a K-major panel:
     * {@code panel[panelOffset + kk*np + j] = scale[j] * code(j, kk)} for {@code kk < kCount}, {@code j < 16},
     * where {@code codeOffset} is {@link TiledCodes#offset} of the tile's first row at the group's first column
     * and {@code kCount} is a multiple of 8. The products are exact float multiplications, so every
     * implementation writes the same bits.
     */
    void unpackTile(byte[] codes, int codeOffset, int bits, int kCount, float[] scale, float[] panel,
                    int panelOffset, int np);

    /**
     * {@code dst[dstOffset + i]} = the float32 value of the IEEE binary16 pattern {@code src[srcOffset + i]}, exactly
     * as {@code HalfFloats.f16ToFloat} (subnormals, infinities and NaN payloads included).
     */
    void f16ToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int length);

    /** {@code dst[dstOffset + i]} = the float32 value of the bfloat16 pattern {@code src[srcOffset + i]} (exact). */
    void bf16ToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int length);

    /** {@code "scalar"} or {@code "vector(512-bit)"}-like, for reports. */
    String name();
}

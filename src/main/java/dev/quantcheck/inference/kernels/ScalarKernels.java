package dev.quantcheck.inference.kernels;

import dev.quantcheck.format.HalfFloats;

/**
 * The plain-Java kernels: the oracle that {@code VectorKernels} is tested against and the fallback when
 * {@code jdk.incubator.vector} is not readable. Reductions accumulate in double, so these are also the more
 * accurate twin.
 */
public final class ScalarKernels implements Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    // Abramowitz & Stegun 7.1.26: erfc(z) ~ t*(A1 + t*(A2 + ...)) * exp(-z^2), t = 1/(1 + P*z), z >= 0
    static final double ERF_P = 0.3275911;
    static final double ERF_A1 = 0.254829592;
    static final double ERF_A2 = -0.284496736;
    static final double ERF_A3 = 1.421413741;
    static final double ERF_A4 = -1.453152027;
    static final double ERF_A5 = 1.061405429;
    static final double INV_SQRT2 = 0.7071067811865476;

    private ScalarKernels() {
    }

    // ---------------------------------------------------------------- matmul

    @Override
    public void gemmPanel(float[] x, int m, int k, float[] panel, int np, float[] y, int ldy, int yCol) {
        for (int i = 0; i < m; i++) {
            int yRow = i * ldy + yCol;
            for (int kk = 0; kk < k; kk++) {
                float xv = x[i * k + kk];
                int p = kk * np;
                for (int j = 0; j < np; j++) {
                    y[yRow + j] += xv * panel[p + j];
                }
            }
        }
    }

    @Override
    public void unpackTile(byte[] codes, int codeOffset, int bits, int kCount, float[] scale, float[] panel,
                           int panelOffset, int np) {
        unpackTileScalar(codes, codeOffset, bits, kCount, scale, panel, panelOffset, np);
    }

    /** The scalar unpacking, shared with {@code VectorKernels} for the shapes it does not vectorise. */
    static void unpackTileScalar(byte[] codes, int codeOffset, int bits, int kCount, float[] scale, float[] panel,
                                 int panelOffset, int np) {
        final int w = TiledCodes.TILE;
        int lo = TiledCodes.lowBits(bits);
        int hi = bits - lo;
        int logPerLo = 3 - Integer.numberOfTrailingZeros(lo); // codes per byte = 2^logPerLo
        int loMask = (1 << lo) - 1;
        int logPerHi = hi == 0 ? 0 : 3 - Integer.numberOfTrailingZeros(hi);
        int hiMask = (1 << hi) - 1;
        for (int kb = 0; kb < kCount; kb += 8) {
            int block = codeOffset + (kb >>> 3) * w * bits;
            for (int u = 0; u < 8; u++) {
                int loBase = block + (u >>> logPerLo) * w;
                int loShift = (u & ((1 << logPerLo) - 1)) * lo;
                int hiBase = block + (lo + (u >>> logPerHi)) * w;
                int hiShift = (u & ((1 << logPerHi) - 1)) * hi;
                int out = panelOffset + (kb + u) * np;
                for (int j = 0; j < w; j++) {
                    int code = ((codes[loBase + j] & 0xFF) >>> loShift) & loMask;
                    if (hi > 0) {
                        code |= (((codes[hiBase + j] & 0xFF) >>> hiShift) & hiMask) << lo;
                    }
                    panel[out + j] = scale[j] * code;
                }
            }
        }
    }

    @Override
    public void f16ToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int length) {
        for (int i = 0; i < length; i++) {
            dst[dstOffset + i] = HalfFloats.f16ToFloat(src[srcOffset + i]);
        }
    }

    @Override
    public void bf16ToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int length) {
        for (int i = 0; i < length; i++) {
            dst[dstOffset + i] = HalfFloats.bf16ToFloat(src[srcOffset + i]);
        }
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        double s = 0;
        for (int i = 0; i < length; i++) {
            s += (double) a[aOffset + i] * b[bOffset + i];
        }
        return (float) s;
    }

    @Override
    public float sum(float[] a, int offset, int length) {
        double s = 0;
        for (int i = 0; i < length; i++) {
            s += a[offset + i];
        }
        return (float) s;
    }

    // ---------------------------------------------------------------- activations and normalisation

    /** In double: the float result differs from the exact GELU by at most |x| * 1.5e-7 / 2 plus one float rounding. */
    @Override
    public void geluErf(float[] x, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            double v = x[i];
            double z = Math.abs(v) * INV_SQRT2;
            double t = 1.0 / (1.0 + ERF_P * z);
            double erfc = t * (ERF_A1 + t * (ERF_A2 + t * (ERF_A3 + t * (ERF_A4 + t * ERF_A5)))) * Math.exp(-z * z);
            // Phi(v) = 1 - erfc/2 for v >= 0, erfc/2 for v < 0: no cancellation on either side
            double cdf = v >= 0 ? 1.0 - 0.5 * erfc : 0.5 * erfc;
            x[i] = (float) (v * cdf);
        }
    }

    @Override
    public void softmax(float[] x, int offset, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + length; i++) {
            max = Math.max(max, x[i]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(x, offset, offset + length, 0f);
            return;
        }
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = offset; i < offset + length; i++) {
            x[i] *= inv;
        }
    }

    /** Mean and variance accumulate in double. */
    @Override
    public void layerNorm(float[] x, int offset, int length, float[] gamma, float[] beta, float eps) {
        double s = 0;
        for (int i = offset; i < offset + length; i++) {
            s += x[i];
        }
        float mean = (float) (s / length);
        double v = 0;
        for (int i = offset; i < offset + length; i++) {
            double d = x[i] - mean;
            v += d * d;
        }
        float inv = (float) (1.0 / Math.sqrt(v / length + eps));
        for (int i = 0; i < length; i++) {
            x[offset + i] = (x[offset + i] - mean) * inv * gamma[i] + beta[i];
        }
    }

    // ---------------------------------------------------------------- element-wise

    @Override
    public void add(float[] acc, int accOffset, float[] b, int bOffset, int length) {
        for (int i = 0; i < length; i++) {
            acc[accOffset + i] += b[bOffset + i];
        }
    }

    @Override
    public void scale(float[] x, int offset, int length, float s) {
        for (int i = offset; i < offset + length; i++) {
            x[i] *= s;
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}

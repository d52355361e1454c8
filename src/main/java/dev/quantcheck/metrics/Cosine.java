package dev.quantcheck.metrics;

/**
 * Cosine similarity as every quantcheck number means it: the metrics, the layer diagnosis and the plots. Accumulated
 * in double and clamped to [-1, 1] (rounding can step past 1). NaN when either vector holds NaN or Inf, or when the
 * lengths differ; 1 for two zero vectors (identical), 0 for a zero vector against a non-zero one.
 */
public final class Cosine {
    private Cosine() {
    }

    /** cos(a, b). */
    public static double of(float[] a, float[] b) {
        return a.length == b.length ? of(a, b, 0, a.length) : Double.NaN;
    }

    /** cos of {@code a[offset, offset + length)} and {@code b[offset, offset + length)}: one row of two matrices. */
    public static double of(float[] a, float[] b, int offset, int length) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int j = offset; j < offset + length; j++) {
            dot += (double) a[j] * b[j];
            aa += (double) a[j] * a[j];
            bb += (double) b[j] * b[j];
        }
        return fromSums(dot, aa, bb);
    }

    /** From a dot product and the two squared norms, for callers that reuse a vector's norm across pairs. */
    public static double fromSums(double dot, double aa, double bb) {
        if (!Double.isFinite(aa) || !Double.isFinite(bb)) {
            return Double.NaN;
        }
        if (aa == 0 || bb == 0) {
            return aa == bb ? 1.0 : 0.0;
        }
        // sqrt(aa * bb), not sqrt(aa) * sqrt(bb): for a vector against itself sqrt(aa * aa) is exactly aa, so an
        // unchanged layer or text scores exactly 1 (no overflow: float inputs keep aa * bb far below Double.MAX_VALUE)
        return Math.max(-1.0, Math.min(1.0, dot / Math.sqrt(aa * bb)));
    }
}

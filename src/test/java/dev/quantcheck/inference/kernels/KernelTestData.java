package dev.quantcheck.inference.kernels;

import java.util.SplittableRandom;

/** Inputs for the kernel tests: Lucene's awkward lengths, Gaussian data and extreme values. */
final class KernelTestData {
    /** Lengths around and between vector sizes (Lucene's TestVectorUtilSupport). */
    static final int[] LENGTHS = {1, 4, 6, 13, 25, 207, 702, 4098};

    /** Values that break careless kernels; none is NaN. */
    static final float[] EXTREMES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, 1e-30f, 1e-8f, 0.5f, -0.5f,
            1f, -1f, 3f, -3f, 5.9f, -5.9f, 10f, -10f, 100f, -100f, 1e10f, -1e10f, 1e30f, -1e30f, Float.MAX_VALUE,
            -Float.MAX_VALUE};

    private KernelTestData() {
    }

    static float[] gaussian(SplittableRandom random, int count, double sigma) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (nextGaussian(random) * sigma);
        }
        return v;
    }

    static double nextGaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** {@code count} values, every tenth one (and the first) an extreme value. */
    static float[] withExtremes(SplittableRandom random, int count, double sigma) {
        float[] v = gaussian(random, count, sigma);
        for (int i = 0; i < count; i += 10) {
            v[i] = EXTREMES[random.nextInt(EXTREMES.length)];
        }
        return v;
    }
}

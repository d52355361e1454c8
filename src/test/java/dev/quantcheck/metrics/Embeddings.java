package dev.quantcheck.metrics;

import java.util.SplittableRandom;

/**
 * Synthetic embeddings for tests: unit vectors with chosen cosines, and random unit vectors (like a sentence
 * encoder's normalised output) with controlled noise.
 */
public final class Embeddings {
    private Embeddings() {
    }

    /** Reference row i is e0; candidate row i is {@code c e0 + sqrt(1 - c^2) e1}, so its cosine is {@code c}. */
    public static float[][][] withCosines(int dim, double... cosines) {
        float[][] reference = new float[cosines.length][dim];
        float[][] candidate = new float[cosines.length][dim];
        for (int i = 0; i < cosines.length; i++) {
            reference[i][0] = 1;
            candidate[i][0] = (float) cosines[i];
            candidate[i][1] = (float) Math.sqrt(1 - cosines[i] * cosines[i]);
        }
        return new float[][][] {reference, candidate};
    }

    /** Unit vectors at the given angles (degrees) in the first two dimensions of {@code dim}. */
    public static float[][] atAngles(int dim, double... degrees) {
        float[][] m = new float[degrees.length][dim];
        for (int i = 0; i < degrees.length; i++) {
            m[i][0] = (float) Math.cos(Math.toRadians(degrees[i]));
            m[i][1] = (float) Math.sin(Math.toRadians(degrees[i]));
        }
        return m;
    }

    /** {@code n} random unit vectors of {@code dim} from a fixed seed. */
    public static float[][] random(int n, int dim, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] m = new float[n][dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                m[i][d] = (float) gaussian(random);
            }
            normalize(m[i]);
        }
        return m;
    }

    /** Each row plus Gaussian noise of standard deviation {@code sigma} per element, normalised again. */
    public static float[][] perturbed(float[][] m, double sigma, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
            for (int d = 0; d < out[i].length; d++) {
                out[i][d] += (float) (sigma * gaussian(random));
            }
            normalize(out[i]);
        }
        return out;
    }

    private static void normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        double norm = Math.sqrt(s);
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) (v[d] / norm);
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}

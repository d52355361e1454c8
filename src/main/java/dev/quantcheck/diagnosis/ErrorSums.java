package dev.quantcheck.diagnosis;

import dev.quantcheck.inference.TokenBatch;
import dev.quantcheck.metrics.Cosine;

/**
 * Running sums for one {@link StateError} over batches: per-text cosine means and minima, and the two squared
 * Frobenius norms. Sums are in double; each token's cosine is taken from its own double dot products.
 */
final class ErrorSums {
    private double meanCosineSum;
    private double minCosineSum;
    private double worstCosine = 1;
    private int texts;
    private final Frobenius frobenius = new Frobenius();

    /** Adds a batch's states: row-major {@code [batch.totalTokens(), width]}, texts one after another. */
    void add(TokenBatch batch, float[] candidate, float[] reference, int width) {
        int row = 0;
        for (int i = 0; i < batch.size(); i++) {
            double sum = 0;
            double min = 1;
            for (int t = 0; t < batch.length(i); t++, row++) {
                double c = Cosine.of(candidate, reference, row * width, width);
                sum += c;
                min = c < min || Double.isNaN(c) ? c : min;
            }
            meanCosineSum += sum / batch.length(i);
            minCosineSum += min;
            worstCosine = min < worstCosine || Double.isNaN(min) ? min : worstCosine;
            texts++;
        }
        frobenius.add(candidate, reference);
    }

    StateError result() {
        return new StateError(meanCosineSum / texts, minCosineSum / texts, worstCosine, frobenius.relativeError());
    }

    /** {@code ||c - r||^2} and {@code ||r||^2} summed over batches. */
    static final class Frobenius {
        private double differenceSquares;
        private double referenceSquares;

        void add(float[] candidate, float[] reference) {
            if (candidate.length != reference.length) {
                throw new IllegalArgumentException(candidate.length + " candidate values but " + reference.length
                        + " reference values");
            }
            for (int j = 0; j < reference.length; j++) {
                double d = (double) candidate[j] - reference[j];
                differenceSquares += d * d;
                referenceSquares += (double) reference[j] * reference[j];
            }
        }

        /** {@code ||c - r|| / ||r||}: 0 when both are zero, +Infinity when only the reference is. */
        double relativeError() {
            if (referenceSquares == 0) {
                return differenceSquares == 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            return Math.sqrt(differenceSquares / referenceSquares);
        }
    }
}

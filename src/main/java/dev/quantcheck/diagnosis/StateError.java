package dev.quantcheck.diagnosis;

/**
 * How far the candidate's hidden state is from the reference's at one point of the encoder, over every real token
 * (padding never exists: batches are ragged).
 *
 * @param meanCosine    per text, the mean over its tokens of cos(candidate token, reference token); averaged over
 *                      texts. 1 is perfect.
 * @param minCosine     per text, its worst token's cosine; averaged over texts
 * @param worstCosine   the single worst token cosine of all texts
 * @param relativeError {@code ||c - r|| / ||r||}, Frobenius over all real tokens of all texts; 0 is perfect
 *                      (0 when both are zero, +Infinity when only the reference is zero)
 *
 * <p>A NaN anywhere in the candidate makes the affected values NaN, which {@link DiagnosisReport} ranks worst.
 */
public record StateError(double meanCosine, double minCosine, double worstCosine, double relativeError) {
    /** No error at all: every cosine 1, relative error 0. */
    public static final StateError NONE = new StateError(1, 1, 1, 0);
}

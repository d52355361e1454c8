package dev.quantcheck.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The one cosine that the metrics, the layer diagnosis and the plots share, and its edge cases. */
class CosineTest {

    @Test
    void agreesWithTheTextbookFormula() {
        float[] a = {1, 2, 3};
        float[] b = {4, -5, 6};
        // (4 - 10 + 18) / (sqrt(14) * sqrt(77))
        assertThat(Cosine.of(a, b)).isCloseTo(12 / Math.sqrt(14.0 * 77.0), within(1e-15));
    }

    @Test
    void aRowOfTwoFlattenedMatricesIsTheSameAsTheRowAlone() {
        float[] a = {9, 9, 1, 2, 3, 9};
        float[] b = {7, 7, 4, -5, 6, 7};
        assertThat(Cosine.of(a, b, 2, 3)).isEqualTo(Cosine.of(new float[] {1, 2, 3}, new float[] {4, -5, 6}));
    }

    @Test
    void aVectorAgainstItselfIsExactlyOne() {
        float[] a = new float[384];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i * 0.37) * 3.1f;
        }
        assertThat(Cosine.fromSums(dot(a, a), dot(a, a), dot(a, a))).isEqualTo(1.0);
    }

    @Test
    void staysWithinMinusOneAndOneWhenRoundingStepsPast() {
        float[] a = {0.1f, 0.2f, 0.3f, 0.7f, 1e-3f};
        assertThat(Cosine.of(a, a)).isEqualTo(1.0);
        assertThat(Cosine.of(a, negate(a))).isEqualTo(-1.0);
    }

    @Test
    void zeroVectorsAreIdenticalToEachOtherAndUnrelatedToAnythingElse() {
        assertThat(Cosine.of(new float[3], new float[3])).isEqualTo(1.0);
        assertThat(Cosine.of(new float[3], new float[] {1, 0, 0})).isEqualTo(0.0);
    }

    @Test
    void isNaNForNaNInfOrDifferentLengths() {
        assertThat(Cosine.of(new float[] {1, Float.NaN}, new float[] {1, 1})).isNaN();
        assertThat(Cosine.of(new float[] {1, Float.POSITIVE_INFINITY}, new float[] {1, 1})).isNaN();
        assertThat(Cosine.of(new float[] {1, 2}, new float[] {1, 2, 3})).isNaN();
    }

    private static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += (double) a[i] * b[i];
        }
        return d;
    }

    private static float[] negate(float[] a) {
        float[] n = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            n[i] = -a[i];
        }
        return n;
    }
}

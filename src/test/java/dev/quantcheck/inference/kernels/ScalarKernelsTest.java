package dev.quantcheck.inference.kernels;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.quantcheck.inference.kernels.KernelTestData.EXTREMES;
import static dev.quantcheck.inference.kernels.KernelTestData.LENGTHS;
import static dev.quantcheck.inference.kernels.KernelTestData.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The oracle against the definitions, in double (and commons-math's erf). */
class ScalarKernelsTest {
    private final Kernels scalar = KernelProvider.scalar();
    private final SplittableRandom random = new SplittableRandom(7);

    static double exactGelu(double x) {
        return 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
    }

    @Test
    void geluIsWithinTheErfApproximationOfTheExactGelu() {
        // A&S 7.1.26: |erf error| <= 1.5e-7, so |GELU error| <= |x| * 0.75e-7, plus one float rounding
        for (double x = -12; x <= 12; x += 0.001) {
            float[] v = {(float) x};
            scalar.geluErf(v, 0, 1);
            double exact = exactGelu((float) x);
            assertThat((double) v[0]).as("gelu(%s)", x)
                    .isCloseTo(exact, within(1e-7 * Math.max(1, Math.abs(x)) + Math.ulp((float) exact)));
        }
    }

    @Test
    void geluOfExtremeValues() {
        float[] v = EXTREMES.clone();
        scalar.geluErf(v, 0, v.length);
        for (int i = 0; i < v.length; i++) {
            float x = EXTREMES[i];
            float expected = x >= 0 ? x : -0f;
            if (Math.abs(x) < 10) {
                expected = (float) exactGelu(x);
            }
            assertThat(v[i]).as("gelu(%s)", x).isCloseTo(expected, within(1e-7f * Math.max(1, Math.abs(x))));
        }
        float[] inf = {Float.POSITIVE_INFINITY};
        scalar.geluErf(inf, 0, 1);
        assertThat(inf[0]).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void softmaxMatchesTheDefinitionAndGivesZeroForMinusInfinity() {
        for (int n : LENGTHS) {
            if (n == 1) {
                continue; // a single -Infinity: the all-masked case below
            }
            float[] x = gaussian(random, n + 3, 4);
            x[1] = Float.NEGATIVE_INFINITY;
            float[] in = x.clone();
            scalar.softmax(x, 1, n);
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 1; i <= n; i++) {
                max = Math.max(max, in[i]);
            }
            double sum = 0;
            for (int i = 1; i <= n; i++) {
                sum += Math.exp(in[i] - max);
            }
            for (int i = 1; i <= n; i++) {
                assertThat((double) x[i]).isCloseTo(Math.exp(in[i] - max) / sum, within(1e-7));
            }
            assertThat(x[1]).isZero();
            assertThat(x[0]).isEqualTo(in[0]);
            assertThat(x[n + 1]).isEqualTo(in[n + 1]);
        }
        float[] masked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        scalar.softmax(masked, 0, 2);
        assertThat(masked).containsExactly(0f, 0f);
        float[] huge = {1e30f, 1e30f, -1e30f};
        scalar.softmax(huge, 0, 3);
        assertThat(huge).containsExactly(0.5f, 0.5f, 0f);
    }

    @Test
    void layerNormUsesTheBiasedVariance() {
        for (int n : LENGTHS) {
            float[] x = gaussian(random, n + 2, 3);
            for (int i = 0; i < x.length; i++) {
                x[i] += 100;
            }
            float[] gamma = gaussian(random, n, 1);
            float[] beta = gaussian(random, n, 1);
            float[] in = x.clone();
            scalar.layerNorm(x, 2, n, gamma, beta, 1e-12f);
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += in[2 + i];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (in[2 + i] - mean) * (in[2 + i] - mean);
            }
            var /= n;
            for (int i = 0; i < n; i++) {
                double expected = (in[2 + i] - mean) / Math.sqrt(var + 1e-12) * gamma[i] + beta[i];
                assertThat((double) x[2 + i]).isCloseTo(expected, within(2e-5 * (1 + Math.abs(expected))));
            }
        }
    }

    @Test
    void gemmPanelAccumulatesIntoTheOutputColumns() {
        int m = 5;
        int k = 7;
        int np = 9;
        int ldy = 20;
        int yCol = 3;
        float[] x = gaussian(random, m * k, 1);
        float[] panel = gaussian(random, k * np, 1);
        float[] y = gaussian(random, m * ldy, 1);
        float[] before = y.clone();
        scalar.gemmPanel(x, m, k, panel, np, y, ldy, yCol);
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < ldy; c++) {
                int j = c - yCol;
                double expected = before[i * ldy + c];
                if (j >= 0 && j < np) {
                    for (int kk = 0; kk < k; kk++) {
                        expected += (double) x[i * k + kk] * panel[kk * np + j];
                    }
                }
                assertThat((double) y[i * ldy + c]).isCloseTo(expected, within(1e-5));
            }
        }
    }

    @Test
    void reductionsAndElementWiseOps() {
        float[] a = {1, 2, 3, 4, 5};
        float[] b = {2, 2, 2, 2, 2};
        assertThat(scalar.dot(a, 1, b, 0, 3)).isEqualTo(18f);
        assertThat(scalar.sum(a, 2, 3)).isEqualTo(12f);
        scalar.add(a, 0, b, 1, 2);
        assertThat(a).containsExactly(3, 4, 3, 4, 5);
        scalar.scale(a, 3, 2, 0.5f);
        assertThat(a).containsExactly(3, 4, 3, 2, 2.5f);
        assertThat(scalar.name()).isEqualTo("scalar");
    }
}

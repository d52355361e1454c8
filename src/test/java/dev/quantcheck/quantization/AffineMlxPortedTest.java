package dev.quantcheck.quantization;

import dev.quantcheck.format.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MLX's own affine checks (docs/mlx-quantized-format.md section 7), ported: python/tests/test_quantized.py
 * {@code test_quantize_dequantize} and tests/ops_tests.cpp "test quantize dequantize", run on both backends' rules.
 */
class AffineMlxPortedTest {
    private static final int[] GROUP_SIZES = {32, 64, 128};
    private static final int[] BITS = {2, 3, 4, 5, 6, 8};

    static Stream<Arguments> everyDtypeAndRounding() {
        return Stream.of(DType.F32, DType.F16, DType.BF16)
                .flatMap(dtype -> Stream.of(Rounding.values()).map(rounding -> Arguments.of(dtype, rounding)));
    }

    /**
     * w ~ N(0,1) (128, 512): per group |w - w_hat| <= |scale + 1e-6|, MLX's float32 bound. For 16-bit T the
     * stored scale and bias are rounded, so the bound grows by about 4u(n_bins*|s| + |b|) (u = 2^-11 for F16,
     * 2^-8 for BF16); the codes still come from the float32 parameters.
     */
    @ParameterizedTest
    @MethodSource("everyDtypeAndRounding")
    void normalWeightsStayWithinOneScaleOfTheirGroup(DType dtype, Rounding rounding) {
        float[] w = DTypeCast.round(normal(128 * 512, 42), dtype);
        double u = dtype == DType.F32 ? 0 : dtype == DType.F16 ? 0x1p-11 : 0x1p-8;
        for (int gs : GROUP_SIZES) {
            for (int bits : BITS) {
                QuantizedTensor q = AffineQuantizer.quantize(w, 128, 512, bits, gs, dtype, rounding);
                float[] wHat = AffineQuantizer.dequantize(q);
                int nBins = (1 << bits) - 1;
                float worstRatio = 0;
                for (int i = 0; i < w.length; i++) {
                    int row = i / 512;
                    int group = (i % 512) / gs;
                    float scale = q.scale(row, group);
                    float bias = q.bias(row, group);
                    float error = Math.abs(w[i] - wHat[i]);
                    float bound = (float) (Math.abs(scale + 1e-6f)
                            + 4 * u * (nBins * Math.abs(scale) + Math.abs(bias)));
                    worstRatio = Math.max(worstRatio, error / bound);
                    if (error > bound) {
                        assertThat(error).as("%s %s gs=%d bits=%d element %d: w=%s w_hat=%s scale=%s bias=%s",
                                dtype, rounding, gs, bits, i, w[i], wHat[i], scale, bias).isLessThanOrEqualTo(bound);
                    }
                }
                assertThat(worstRatio).isLessThanOrEqualTo(1f);
            }
        }
    }

    /** An all-zero (256, 512) matrix dequantizes to exactly 0 at every group size and width. */
    @ParameterizedTest
    @MethodSource("everyDtypeAndRounding")
    void zerosDequantizeToExactlyZero(DType dtype, Rounding rounding) {
        float[] zeros = new float[256 * 512];
        for (int gs : GROUP_SIZES) {
            for (int bits : BITS) {
                float[] wHat = AffineQuantizer.dequantize(
                        AffineQuantizer.quantize(zeros, 256, 512, bits, gs, dtype, rounding));
                for (float v : wHat) {
                    if (v != 0f) {
                        assertThat(v).as("%s %s gs=%d bits=%d", dtype, rounding, gs, bits).isZero();
                    }
                }
            }
        }
    }

    /** ops_tests.cpp: x[i, j] = j, (128, 512), gs 128: packed shape, scale shape, and max error <= 127 / 2^b. */
    @ParameterizedTest
    @EnumSource(Rounding.class)
    void rampHasExpectedShapesAndError(Rounding rounding) {
        float[] x = new float[128 * 512];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 512;
        }
        for (int bits : new int[] {2, 4, 8}) {
            QuantizedTensor q = AffineQuantizer.quantize(x, 128, 512, bits, 128, DType.F32, rounding);
            assertThat(q.wordsPerRow()).isEqualTo(512 * bits / 32);
            assertThat(q.words()).hasSize(128 * 512 * bits / 32);
            assertThat(q.groupsPerRow()).isEqualTo(4);
            assertThat(q.scales()).hasSize(128 * 4);
            assertThat(q.biases()).hasSize(128 * 4);
            float[] xHat = AffineQuantizer.dequantize(q);
            float maxError = 0;
            for (int i = 0; i < x.length; i++) {
                maxError = Math.max(maxError, Math.abs(x[i] - xHat[i]));
            }
            assertThat(maxError).as("bits %d", bits).isLessThanOrEqualTo(127f / (1 << bits));
        }
    }

    static float[] normal(int n, long seed) {
        Random random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}

package dev.quantcheck.quantization;

import dev.quantcheck.format.DType;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * MLX's fp-mode checks (section 7: python/tests/test_quantized.py test_mxfp4/mxfp8/nvfp4_quantize_dequantize),
 * ported, plus hand-built groups through the GPU encoder of section 3.
 */
class FpQuantizerTest {
    private static final float[] FP4_TABLE =
            {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f, -0f, -0.5f, -1f, -1.5f, -2f, -3f, -4f, -6f};

    // ---------------------------------------------------------------- MLX's tests

    @Test
    void mxfp4RoundTripsTableValuesWithASixInEveryGroup() {
        float[] w = tableValuesPlus3e6(128, 512, 32, 4);
        FpQuantizedTensor q = FpQuantizer.quantize(w, 128, 512, QuantizationMode.MXFP4);
        // every group's max |w| is 6, so s = 6/6 = 1 = 2^0: E8M0 code 127
        for (byte scale : q.scales()) {
            assertThat(scale & 0xFF).isEqualTo(127);
        }
        assertAllClose(w, bf16(FpQuantizer.dequantize(q)), 1e-5, 1e-5);
    }

    @Test
    void nvfp4RoundTripsTableValuesWithASixInEveryGroup() {
        float[] w = tableValuesPlus3e6(128, 512, 16, 5);
        FpQuantizedTensor q = FpQuantizer.quantize(w, 128, 512, QuantizationMode.NVFP4);
        // s = 6/6 = 1: E4M3 code 0x38
        for (byte scale : q.scales()) {
            assertThat(scale & 0xFF).isEqualTo(0x38);
        }
        assertAllClose(w, bf16(FpQuantizer.dequantize(q)), 1e-5, 1e-5);

        // with global_scale = max|w| = 6: scale_enc = 2688/6 = 448, s = 1 * 448 -> 0x7E, elements unchanged
        FpQuantizedTensor withGlobal = FpQuantizer.quantize(w, 128, 512, QuantizationMode.NVFP4, 4, 16, 6f);
        for (byte scale : withGlobal.scales()) {
            assertThat(scale & 0xFF).isEqualTo(0x7E);
        }
        assertThat(withGlobal.words()).isEqualTo(q.words());
        assertThat(withGlobal.globalScale()).isEqualTo(6f);
        assertAllClose(w, bf16(FpQuantizer.dequantize(withGlobal)), 1e-5, 1e-5);
    }

    @Test
    void nvfp4KeepsAScalePerSixteenValues() {
        // MLX: rows alternate 6 * 2^-9 and 6; a scale shared by 32 values could not represent the small rows
        float[] w = new float[64 * 16];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i / 16) % 2 == 0 ? 6 * 0x1p-9f : 6f;
        }
        FpQuantizedTensor q = FpQuantizer.quantize(w, 64, 16, QuantizationMode.NVFP4);
        // small rows: s = 2^-9, the smallest E4M3 subnormal, code 0x01; elements 6 * 2^-9 / 2^-9 = 6, code 7
        assertThat(q.scaleCode(0, 0)).isEqualTo(0x01);
        assertThat(q.code(0, 0)).isEqualTo(7);
        assertAllClose(w, bf16(FpQuantizer.dequantize(q)), 1e-5, 1e-6);
    }

    @Test
    void mxfp8RoundTripsUniformValuesWithinOneTenth() {
        Random random = new Random(11);
        float[] w = new float[512 * 32];
        for (int i = 0; i < w.length; i++) {
            w[i] = DTypeCast.round(2 * random.nextFloat() - 1, DType.BF16);
        }
        FpQuantizedTensor q = FpQuantizer.quantize(w, 512, 32, QuantizationMode.MXFP8, 8, 32, null);
        assertAllClose(w, bf16(FpQuantizer.dequantize(q)), 1e-1, 1e-1);
    }

    @Test
    void zerosStayExactInEveryMode() {
        float[] zeros = new float[256 * 512];
        for (QuantizationMode mode : new QuantizationMode[] {
                QuantizationMode.MXFP4, QuantizationMode.MXFP8, QuantizationMode.NVFP4}) {
            FpQuantizedTensor q = FpQuantizer.quantize(zeros, 256, 512, mode);
            // mx: log2(0) = -inf clamps to -127, code 0 (2^-127); nvfp4: E4M3(0) = 0
            assertThat(q.scaleCode(0, 0)).as("%s", mode).isZero();
            for (float v : FpQuantizer.dequantize(q)) {
                assertThat(v).as("%s", mode).isZero();
            }
        }
    }

    @Test
    void invalidBitsAndGroupSizesAreRejected() {
        float[] w = new float[64];
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(w, 1, 64, QuantizationMode.MXFP4, 3, 32, null))
                .withMessage("bits 3 is not supported by mxfp4 quantization; use one of [4]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(w, 1, 64, QuantizationMode.MXFP4, 4, 64, null))
                .withMessage("group size 64 is not supported by mxfp4 quantization; use one of [32]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(w, 1, 64, QuantizationMode.NVFP4, 3, 16, null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(w, 1, 64, QuantizationMode.NVFP4, 4, 64, null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(w, 1, 64, QuantizationMode.MXFP8, 3, 32, null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(w, 1, 64, QuantizationMode.MXFP8, 7, 32, null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(w, 1, 64, QuantizationMode.AFFINE, 4, 64, null))
                .withMessageContaining("AffineQuantizer");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(new float[48], 1, 48, QuantizationMode.MXFP4))
                .withMessage("last dimension 48 is not divisible by group size 32");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(w, 1, 64, QuantizationMode.MXFP4, 4, 32, 6f))
                .withMessage("global_scale is only used by nvfp4, not mxfp4");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FpQuantizer.quantize(w, 1, 64, QuantizationMode.NVFP4, 4, 16, 0f));
    }

    // ---------------------------------------------------------------- hand-built groups

    @Test
    void mxfp4GroupPacksEightNibblesPerWord() {
        float[] w = new float[32];
        float[] firstEight = {3f, -0.75f, 0.25f, 1.25f, 2.5f, 5f, 0f, -6f};
        System.arraycopy(firstEight, 0, w, 0, 8);
        FpQuantizedTensor q = FpQuantizer.quantize(w, 1, 32, QuantizationMode.MXFP4);
        // max |w| = 6 -> scale 1 (code 127); codes: 3 -> 5, -0.75 -> 8|2 = 0xA, 0.25 -> 0 (tie to even),
        // 1.25 -> 2 (tie to 1.0), 2.5 -> 4 (tie to 2.0), 5 -> 6 (tie to 4.0), 0 -> 0, -6 -> 8|7 = 0xF
        assertThat(q.scaleCode(0, 0)).isEqualTo(127);
        assertThat(q.words()).containsExactly(0xF064_20A5, 0, 0, 0);
        float[] out = new float[32];
        q.dequantizeRow(0, out);
        assertThat(java.util.Arrays.copyOf(out, 8)).containsExactly(3f, -1f, 0f, 1f, 2f, 4f, 0f, -6f);
    }

    @Test
    void mxfp8GroupPacksFourBytesPerWord() {
        float[] w = new float[32];
        w[0] = 448f;
        w[1] = 1f;
        w[2] = -2f;
        w[3] = 0x1p-9f;
        FpQuantizedTensor q = FpQuantizer.quantize(w, 1, 32, QuantizationMode.MXFP8);
        // max |w| = 448 -> s = 448 / 448 = 1, code 127; 448 -> 0x7E, 1 -> 0x38, -2 -> 0x80|0x40, 2^-9 -> 0x01
        assertThat(q.scaleCode(0, 0)).isEqualTo(127);
        assertThat(q.words()[0]).isEqualTo(0x01C0_387E);
        float[] out = new float[32];
        q.dequantizeRow(0, out);
        assertThat(java.util.Arrays.copyOf(out, 4)).containsExactly(448f, 1f, -2f, 0x1p-9f);
    }

    @Test
    void mxScaleRoundsLog2ToNearestSoTheGroupMaxCanSaturate() {
        // max |w| = 7.5: s = 1.25, log2 = 0.32 rounds to 0, scale 1; 7.5 is beyond E2M1's 6 and saturates
        float[] w = new float[32];
        w[0] = 7.5f;
        w[1] = 3f;
        FpQuantizedTensor q = FpQuantizer.quantize(w, 1, 32, QuantizationMode.MXFP4);
        assertThat(q.scaleCode(0, 0)).isEqualTo(127);
        assertThat(q.code(0, 0)).isEqualTo(7);
        // max |w| = 18: s = 3, log2 = 1.585 rounds to 2, scale 4; 18 / 4 = 4.5 -> 4, so 16
        w[0] = 18f;
        q = FpQuantizer.quantize(w, 1, 32, QuantizationMode.MXFP4);
        assertThat(q.scaleCode(0, 0)).isEqualTo(129);
        assertThat(q.groupScale(0, 0)).isEqualTo(4f);
        float[] out = new float[32];
        q.dequantizeRow(0, out);
        assertThat(out[0]).isEqualTo(16f);
        assertThat(out[1]).isEqualTo(4f); // 3 / 4 = 0.75 -> 1.0 (tie to even mantissa), times 4
    }

    @Test
    void nvfp4GlobalScaleFoldsIntoTheGroupScale() {
        float[] w = new float[16];
        w[0] = 3f;
        w[1] = -1.5f;
        // global_scale 3: scale_enc = 2688 / 3 = 896; s = 3/6 * 896 = 448 -> 0x7E; multiplier 896 / 448 = 2:
        // 3 * 2 = 6 -> 7, -1.5 * 2 = -3 -> 0xD. Dequantize: 448 * (3 / 2688) = 0.5 per unit.
        FpQuantizedTensor q = FpQuantizer.quantize(w, 1, 16, QuantizationMode.NVFP4, 4, 16, 3f);
        assertThat(q.scaleCode(0, 0)).isEqualTo(0x7E);
        assertThat(q.code(0, 0)).isEqualTo(7);
        assertThat(q.code(0, 1)).isEqualTo(0xD);
        assertThat(q.groupScale(0, 0)).isEqualTo(448f * (3f / 2688f));
        float[] out = FpQuantizer.dequantize(q);
        assertThat(out[0]).isCloseTo(3f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(out[1]).isCloseTo(-1.5f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void recordRejectsAffineAndWrongSizes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new FpQuantizedTensor(QuantizationMode.AFFINE, 1, 32, new int[4], new byte[1], null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new FpQuantizedTensor(QuantizationMode.MXFP4, 1, 32, new int[3], new byte[1], null))
                .withMessage("words has 3 elements, expected 4");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new FpQuantizedTensor(QuantizationMode.NVFP4, 1, 32, new int[4], new byte[1], null))
                .withMessage("scales has 1 elements, expected 2");
        FpQuantizedTensor q = new FpQuantizedTensor(QuantizationMode.MXFP8, 1, 32, new int[8], new byte[1], null);
        assertThat(q.bits()).isEqualTo(8);
        assertThat(q.groupSize()).isEqualTo(32);
        assertThat(q.wordBytes().remaining()).isEqualTo(32);
    }

    // ---------------------------------------------------------------- helpers

    /** MLX: lut[randint(0, 16)], the first value of every group set to 6, plus 3e-6, cast to bfloat16. */
    private static float[] tableValuesPlus3e6(int rows, int cols, int groupSize, long seed) {
        Random random = new Random(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            float value = i % groupSize == 0 ? 6f : FP4_TABLE[random.nextInt(16)];
            w[i] = DTypeCast.round(value + 3e-6f, DType.BF16);
        }
        return w;
    }

    private static float[] bf16(float[] values) {
        return DTypeCast.round(values, DType.BF16);
    }

    /** numpy/MLX allclose: |a - b| <= atol + rtol * |b| for every element. */
    private static void assertAllClose(float[] a, float[] b, double rtol, double atol) {
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.length; i++) {
            double tolerance = atol + rtol * Math.abs(b[i]);
            if (Math.abs((double) a[i] - b[i]) > tolerance) {
                assertThat((double) b[i]).as("element %d: %s vs %s", i, a[i], b[i])
                        .isCloseTo(a[i], org.assertj.core.data.Offset.offset(tolerance));
            }
        }
    }
}

package dev.quantcheck.quantization;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.HalfFloats;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-group scale, bias and codes checked against values derived by hand from section 1's pseudo-code.
 * Each case quantizes one 1x32 row with group size 32 through {@link AffineQuantizer#quantize}, the real path,
 * so the stored (T-rounded) scale and bias and the packed codes are what is asserted.
 */
class AffineGroupParametersTest {

    @Test
    void allNegativeGroupSpansToZeroOnGpuOnly() {
        float[] group = alternating(-2f, -1f);
        // GPU: w_max starts at 0, so the range is [-2, 0] = 2 and scale = 2/15 = 1.0666..*2^-3.
        //   The 23-bit fraction 0.0666..*2^23 = 559240.53 rounds up to 0x88889, so scale = 0x3E088889.
        //   |w_min| = 2 > 0 anchors at the min: edge = -2, q0 = round(-2 / 0x3E088889) = round(-14.999999) = -15,
        //   and -2 / -15 rounds to the same float 0x3E088889. bias = -2.
        QuantizedTensor gpu = quantizeRow(group, 4, DType.F32, Rounding.GPU);
        assertThat(bitsOf(gpu.scale(0, 0))).isEqualTo(0x3E08_8889);
        assertThat(gpu.bias(0, 0)).isEqualTo(-2f);
        // -1 lands at (1 / 0.13333334) = 7.4999995, code 7; the top codes 8..15 cover [-0.93, 0], all unused
        assertThat(gpu.code(0, 0)).isZero();
        assertThat(gpu.code(0, 1)).isEqualTo(7);

        // CPU: the true range [-2, -1]: scale = 1/15 = 0x3D888889 (same fraction, exponent one lower),
        //   q0 = rint(-2 / (1/15)) = -30, -2 / -30 is again 1/15. bias = -2, and -1 gets code 15.
        QuantizedTensor cpu = quantizeRow(group, 4, DType.F32, Rounding.CPU);
        assertThat(bitsOf(cpu.scale(0, 0))).isEqualTo(0x3D88_8889);
        assertThat(cpu.bias(0, 0)).isEqualTo(-2f);
        assertThat(cpu.code(0, 1)).isEqualTo(15);
    }

    @Test
    void groupWithLargerMaxIsAnchoredAtTheMaxWithNegativeScale() {
        float[] group = new float[32];
        group[0] = -1f;
        group[1] = 3f;
        // |-1| > |3| is false: scale = -(4/15), edge = 3, q0 = round(3 / -0.26666668) = round(-11.25) = -11,
        // scale = 3 / -11 = -0.27272728, bias = 3. Same on both backends (no tie, max > 0).
        for (Rounding rounding : Rounding.values()) {
            QuantizedTensor q = quantizeRow(group, 4, DType.F32, rounding);
            assertThat(bitsOf(q.scale(0, 0))).isEqualTo(bitsOf(3f / -11f));
            assertThat(q.scale(0, 0)).isNegative();
            assertThat(q.bias(0, 0)).isEqualTo(3f);
            assertThat(q.code(0, 1)).as("the anchor gets code 0").isZero();
            // -1: (-4) / -0.27272728 = 14.666666 -> 15, the top code
            assertThat(q.code(0, 0)).isEqualTo(15);
            // 0.0 sits on the grid at code -q0 = 11
            assertThat(q.code(0, 2)).isEqualTo(11);
        }
    }

    @Test
    void allZeroGroupTakesTheQ0ZeroBranch() {
        float[] group = new float[32];
        for (Rounding rounding : Rounding.values()) {
            // w_min = w_max = 0: scale = max(0, eps) = eps; |0| > |0| is false, so scale = -eps and edge = 0;
            // q0 = round(0 / -eps) = -0.0 == 0, so bias = 0 and the scale stays -eps.
            AffineQuantizer.GroupParameters p = AffineQuantizer.groupParameters(group, 0, 32, 4, rounding);
            assertThat(bitsOf(p.scale())).isEqualTo(bitsOf(-1e-7f));
            assertThat(bitsOf(p.bias())).isEqualTo(bitsOf(0f));

            // in F16, -1e-7 is 1.68 subnormal steps of 2^-24, stored as -2 * 2^-24
            QuantizedTensor q = quantizeRow(group, 4, DType.F16, rounding);
            assertThat(q.scale(0, 0)).isEqualTo(-0x1p-23f);
            assertThat(HalfFloats.floatToF16(q.scale(0, 0))).isEqualTo((short) 0x8002);
            float[] out = new float[32];
            q.dequantizeRow(0, out);
            // -2^-23 * 0 + 0 is +0.0: exactly zero, sign included
            for (float v : out) {
                assertThat(bitsOf(v)).isZero();
            }
        }
    }

    @Test
    void constantPositiveGroupDequantizesExactly() {
        float[] group = new float[32];
        Arrays.fill(group, 0.5f);
        // range 0 -> scale eps, anchored at the max (|0.5| > |0.5| is false): scale = -eps, edge = 0.5,
        // q0 = round(0.5 / -1e-7f) = -5e6 (floats are 0.5 apart there), scale = 0.5 / -5e6 = -1e-7f, bias 0.5.
        for (Rounding rounding : Rounding.values()) {
            QuantizedTensor q = quantizeRow(group, 4, DType.F32, rounding);
            assertThat(bitsOf(q.scale(0, 0))).isEqualTo(bitsOf(-1e-7f));
            assertThat(q.bias(0, 0)).isEqualTo(0.5f);
            assertThat(dequantizeRow(q)).containsOnly(0.5f);
        }
    }

    @Test
    void constantNegativeGroupDiffersInParametersButNotInValues() {
        float[] group = new float[32];
        Arrays.fill(group, -0.5f);
        // GPU: range [-0.5, 0], scale 0.5/15, anchored at the min: q0 = round(-14.999999) = -15,
        //   scale = -0.5 / -15 = 1/30 = 0.033333335, bias -0.5.
        QuantizedTensor gpu = quantizeRow(group, 4, DType.F32, Rounding.GPU);
        assertThat(bitsOf(gpu.scale(0, 0))).isEqualTo(bitsOf(1f / 30f));
        assertThat(gpu.bias(0, 0)).isEqualTo(-0.5f);
        // CPU: range 0, anchored at the max (equal magnitudes): scale = -eps, edge = -0.5,
        //   q0 = rint(-0.5 / -1e-7f) = +5e6 (positive!), scale = -0.5 / 5e6 = -1e-7f, bias -0.5.
        QuantizedTensor cpu = quantizeRow(group, 4, DType.F32, Rounding.CPU);
        assertThat(bitsOf(cpu.scale(0, 0))).isEqualTo(bitsOf(-1e-7f));
        assertThat(cpu.bias(0, 0)).isEqualTo(-0.5f);
        assertThat(dequantizeRow(gpu)).containsOnly(-0.5f);
        assertThat(dequantizeRow(cpu)).containsOnly(-0.5f);
    }

    @Test
    void allNegativeGroupUsesFewerCodesOnGpu() {
        float[] group = new float[32];
        for (int i = 0; i < 32; i++) {
            group[i] = -3f + 2f * i / 31f; // -3 .. -1
        }
        QuantizedTensor gpu = quantizeRow(group, 8, DType.F32, Rounding.GPU);
        QuantizedTensor cpu = quantizeRow(group, 8, DType.F32, Rounding.CPU);
        // GPU spans [-3, 0], so -1 sits at 2/3 of 255 = 170; CPU spans [-3, -1], so -1 is the top code 255
        assertThat(gpu.code(0, 31)).isEqualTo(170);
        assertThat(cpu.code(0, 31)).isEqualTo(255);
        assertThat(gpu.bias(0, 0)).isEqualTo(-3f);
        assertThat(cpu.bias(0, 0)).isEqualTo(-3f);
    }

    @Test
    void valuesBelowHalfEpsCollapseToZero() {
        float[] group = new float[32];
        group[0] = -3e-8f;
        group[1] = 4e-8f;
        group[2] = 1e-8f;
        // range 7e-8 / 15 < eps: scale = eps, anchored at the max 4e-8: scale = -eps,
        // q0 = round(4e-8 / -1e-7) = round(-0.4) = -0 -> bias 0; every code round(w / -eps) is 0
        for (Rounding rounding : Rounding.values()) {
            QuantizedTensor q = quantizeRow(group, 4, DType.F32, rounding);
            assertThat(bitsOf(q.scale(0, 0))).isEqualTo(bitsOf(-1e-7f));
            assertThat(bitsOf(q.bias(0, 0))).isZero();
            assertThat(BitPacking.unpack(q.words(), 4, 32)).containsOnly(0);
            assertThat(dequantizeRow(q)).containsOnly(0f);
        }
    }

    @Test
    void tinyEdgeAboveHalfEpsIsFixedUpOntoTheGrid() {
        float[] group = new float[32];
        group[0] = 6e-8f;
        // q0 = round(6e-8 / -1e-7) = round(-0.6) = -1: scale = 6e-8 / -1, bias = 6e-8;
        // the zeros get code 1 and dequantize to -6e-8 * 1 + 6e-8 = 0 exactly
        for (Rounding rounding : Rounding.values()) {
            QuantizedTensor q = quantizeRow(group, 4, DType.F32, rounding);
            assertThat(q.scale(0, 0)).isEqualTo(-6e-8f);
            assertThat(q.bias(0, 0)).isEqualTo(6e-8f);
            assertThat(q.code(0, 0)).isZero();
            assertThat(q.code(0, 1)).isEqualTo(1);
            float[] out = dequantizeRow(q);
            assertThat(out[0]).isEqualTo(6e-8f);
            assertThat(out[1]).isZero();
        }
    }

    @Test
    void halfwayCodeRoundsAwayOnGpuAndToEvenOnCpu() {
        // F16 values chosen so that (w - bias) / scale is exactly k + 1/2
        float[] group = new float[32];
        group[0] = 15f;
        group[1] = 8.5f;
        group[2] = 7.5f;
        // range [0, 15], anchored at the max: scale = -15/15 = -1, q0 = round(15 / -1) = -15, scale = 15 / -15
        // = -1, bias = 15. Codes are (w - 15) / -1 = 15 - w exactly.
        QuantizedTensor gpu = quantizeRow(group, 4, DType.F16, Rounding.GPU);
        QuantizedTensor cpu = quantizeRow(group, 4, DType.F16, Rounding.CPU);
        assertThat(gpu.scale(0, 0)).isEqualTo(-1f);
        assertThat(cpu.scale(0, 0)).isEqualTo(-1f);
        assertThat(gpu.bias(0, 0)).isEqualTo(15f);
        // 8.5 -> 6.5: away from zero gives 7, to even gives 6
        assertThat(gpu.code(0, 1)).isEqualTo(7);
        assertThat(cpu.code(0, 1)).isEqualTo(6);
        // 7.5 -> 7.5: both give 8 (8 is even and away from zero)
        assertThat(gpu.code(0, 2)).isEqualTo(8);
        assertThat(cpu.code(0, 2)).isEqualTo(8);
    }

    @Test
    void halfwayQ0ChangesTheScale() {
        float[] group = new float[32];
        group[0] = -5f;
        group[1] = 1f;
        // 2 bits: scale = 6/3 = 2, anchored at the min: q0 = round(-5 / 2) = round(-2.5), a tie.
        // GPU: -3, scale = -5 / -3 = 5/3 = 0x3FD55555. CPU: -2, scale = -5 / -2 = 2.5. Both bias -5.
        QuantizedTensor gpu = quantizeRow(group, 2, DType.F32, Rounding.GPU);
        QuantizedTensor cpu = quantizeRow(group, 2, DType.F32, Rounding.CPU);
        assertThat(bitsOf(gpu.scale(0, 0))).isEqualTo(0x3FD5_5555);
        assertThat(cpu.scale(0, 0)).isEqualTo(2.5f);
        assertThat(gpu.bias(0, 0)).isEqualTo(-5f);
        assertThat(cpu.bias(0, 0)).isEqualTo(-5f);
        // 1: GPU 6 / 1.6666666 = 3.6000001 -> 4, clamped to n_bins = 3; CPU 6 / 2.5 = 2.4 -> 2
        assertThat(gpu.code(0, 1)).isEqualTo(3);
        assertThat(cpu.code(0, 1)).isEqualTo(2);
        // the zeros: GPU 5 / (5/3) = 3.0000002 -> 3, CPU 5 / 2.5 = 2
        assertThat(gpu.code(0, 2)).isEqualTo(3);
        assertThat(cpu.code(0, 2)).isEqualTo(2);
    }

    @Test
    void codesComeFromTheFloat32ScaleNotTheStoredOne() {
        float[] group = new float[32];
        group[1] = 1f;
        // 0x1808 in F16 is 2^-9 * (1 + 8/1024) = 0.0019683838
        float w = HalfFloats.f16ToFloat((short) 0x1808);
        group[2] = w;
        // 8 bits over [0, 1], anchored at the max: scale = -1/255, q0 = -255, scale = 1 / -255 = -0.003921569,
        // bias = 1. (w - 1) / scale = 254.49806: just under the tie, code 254.
        QuantizedTensor q = quantizeRow(group, 8, DType.F16, Rounding.GPU);
        assertThat(q.code(0, 2)).isEqualTo(254);
        // The stored F16 scale is 0x9C04 = -(1 + 4/1024) * 2^-8 = -0.0039215088, 1.5e-5 smaller in magnitude:
        // with it the quotient is 254.50195 and the code would be 255.
        assertThat(HalfFloats.floatToF16(q.scale(0, 0))).isEqualTo((short) 0x9C04);
        assertThat(Rounding.GPU.round((w - q.bias(0, 0)) / q.scale(0, 0))).isEqualTo(255f);
    }

    // ---------------------------------------------------------------- helpers

    private static QuantizedTensor quantizeRow(float[] group, int bits, DType dtype, Rounding rounding) {
        return AffineQuantizer.quantize(group, 1, group.length, bits, 32, dtype, rounding);
    }

    private static float[] dequantizeRow(QuantizedTensor q) {
        float[] out = new float[q.cols()];
        q.dequantizeRow(0, out);
        return out;
    }

    private static float[] alternating(float a, float b) {
        float[] group = new float[32];
        for (int i = 0; i < 32; i++) {
            group[i] = i % 2 == 0 ? a : b;
        }
        return group;
    }

    private static int bitsOf(float value) {
        return Float.floatToRawIntBits(value);
    }
}

package dev.quantcheck.quantization;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The two rounding rules of section 1: Metal's {@code round} (half away from zero) and {@code rint} (half to even). */
class RoundingTest {

    @Test
    void gpuRoundsHalfwayCasesAwayFromZero() {
        assertThat(Rounding.GPU.round(0.5f)).isEqualTo(1f);
        assertThat(Rounding.GPU.round(1.5f)).isEqualTo(2f);
        assertThat(Rounding.GPU.round(2.5f)).isEqualTo(3f);
        assertThat(Rounding.GPU.round(-0.5f)).isEqualTo(-1f);
        assertThat(Rounding.GPU.round(-2.5f)).isEqualTo(-3f);
        // Math.round(-2.5f) is -2: floor(x + 0.5) is neither MLX rule
        assertThat(Math.round(-2.5f)).isEqualTo(-2);
    }

    @Test
    void cpuRoundsHalfwayCasesToEven() {
        assertThat(Rounding.CPU.round(0.5f)).isEqualTo(0f);
        assertThat(Rounding.CPU.round(1.5f)).isEqualTo(2f);
        assertThat(Rounding.CPU.round(2.5f)).isEqualTo(2f);
        assertThat(Rounding.CPU.round(-2.5f)).isEqualTo(-2f);
        assertThat(Rounding.CPU.round(6.5f)).isEqualTo(6f);
    }

    @Test
    void bothAgreeAwayFromTies() {
        float[] values = {0.49999997f, 0.50000006f, -1.4999999f, 7.4999995f, 8388609f, -8388609f, 1e30f, 0f};
        for (float v : values) {
            assertThat(Rounding.GPU.round(v)).as("%s", v).isEqualTo(Rounding.CPU.round(v));
        }
        // just under a tie: the fraction of 0.49999997 is computed exactly, not as x + 0.5
        assertThat(Rounding.GPU.round(0.49999997f)).isEqualTo(0f);
    }

    @Test
    void gpuKeepsTheSignOfZeroAndPassesNonFiniteValues() {
        assertThat(Float.floatToRawIntBits(Rounding.GPU.round(-0.4f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(Rounding.GPU.round(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Rounding.GPU.round(Float.NEGATIVE_INFINITY)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Rounding.GPU.round(Float.NaN)).isNaN();
    }

    @Test
    void onlyTheGpuStartsTheGroupMaxAtZero() {
        assertThat(Rounding.GPU.groupMaxStartsAtZero()).isTrue();
        assertThat(Rounding.CPU.groupMaxStartsAtZero()).isFalse();
    }
}

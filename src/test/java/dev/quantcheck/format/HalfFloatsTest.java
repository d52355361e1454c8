package dev.quantcheck.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import java.lang.reflect.Method;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exhaustive checks of the fp16 and bf16 conversions over all 65,536 bit patterns, against oracles that do not
 * share their code: exact double arithmetic, and {@code Float.floatToFloat16} where the JDK has it (20+).
 */
class HalfFloatsTest {

    /** binary16 decoded independently in double arithmetic: (-1)^s * 2^(e-15) * (1 + m/1024), or the subnormal form. */
    private static double f16Oracle(int h) {
        int s = (h >>> 15) & 1;
        int e = (h >>> 10) & 0x1F;
        int m = h & 0x3FF;
        double sign = s == 1 ? -1 : 1;
        if (e == 0) {
            return sign * m * Math.pow(2, -24);
        }
        if (e == 31) {
            return m == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        return sign * Math.pow(2, e - 15) * (1 + m / 1024.0);
    }

    @Test
    void everyF16PatternDecodesToItsExactValue() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            double expected = f16Oracle(h);
            if (Double.isNaN(expected)) {
                assertThat(f).as("pattern 0x%04x", h).isNaN();
            } else {
                assertThat((double) f).as("pattern 0x%04x", h).isEqualTo(expected);
                // signed zero kept
                assertThat(Float.floatToRawIntBits(f) >>> 31).isEqualTo(h >>> 15);
            }
        }
    }

    @Test
    void everyF16PatternRoundTripsThroughFloat() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            short back = HalfFloats.floatToF16(f);
            if (Float.isNaN(f)) {
                assertThat(HalfFloats.f16ToFloat(back)).as("NaN 0x%04x stays NaN", h).isNaN();
            } else {
                assertThat(back & 0xFFFF).as("pattern 0x%04x", h).isEqualTo(h);
            }
        }
    }

    /**
     * For every pair of neighbouring finite halves, the midpoint rounds to the one with an even mantissa, and the
     * floats just below and above the midpoint round down and up.
     */
    @Test
    void f16MidpointsRoundToEvenAndNeighboursRoundToNearest() {
        for (int sign = 0; sign <= 0x8000; sign += 0x8000) {
            for (int h = 0; h < 0x7C00; h++) {
                int lower = sign | h;
                int upper = sign | (h + 1); // 0x7C00 (infinity) as the last upper neighbour
                double a = f16Oracle(lower);
                double b = upper == (sign | 0x7C00) ? (sign == 0 ? 65536.0 : -65536.0) : f16Oracle(upper);
                float mid = (float) ((a + b) / 2); // exact: the midpoint has at most 12 significant bits
                assertThat((double) mid).isEqualTo((a + b) / 2);
                int even = (h & 1) == 0 ? lower : upper;
                assertThat(HalfFloats.floatToF16(mid) & 0xFFFF).as("midpoint above 0x%04x", lower).isEqualTo(even);
                float below = Math.nextAfter(mid, 0.0);
                float above = Math.nextAfter(mid, sign == 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
                assertThat(HalfFloats.floatToF16(below) & 0xFFFF).as("just below midpoint of 0x%04x", lower).isEqualTo(lower);
                assertThat(HalfFloats.floatToF16(above) & 0xFFFF).as("just above midpoint of 0x%04x", lower).isEqualTo(upper);
            }
        }
    }

    @Test
    void f16SpecialValues() {
        assertThat(HalfFloats.floatToF16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.floatToF16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
        assertThat(HalfFloats.floatToF16(65504f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloats.floatToF16(65519.99f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloats.floatToF16(65520f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.floatToF16(1e10f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.floatToF16(-0f)).isEqualTo((short) 0x8000);
        assertThat(HalfFloats.floatToF16(0x1p-25f)).isEqualTo((short) 0x0000);
        assertThat(HalfFloats.floatToF16(Math.nextUp(0x1p-25f))).isEqualTo((short) 0x0001);
        assertThat(HalfFloats.floatToF16(Float.MIN_VALUE)).isEqualTo((short) 0x0000);
        assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))).isNaN();
        assertThat(HalfFloats.floatToF16(1f)).isEqualTo((short) 0x3C00);
        assertThat(HalfFloats.floatToF16(-2f)).isEqualTo((short) 0xC000);
    }

    /** On JDK 20+, compare with the JDK's own conversion on random floats of every magnitude. */
    @Test
    @EnabledForJreRange(min = JRE.JAVA_20)
    void f16AgreesWithTheJdkOnRandomFloats() throws Exception {
        Method jdk = Float.class.getMethod("floatToFloat16", float.class);
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 2_000_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(f)) {
                continue;
            }
            assertThat(HalfFloats.floatToF16(f)).as("%a", f).isEqualTo((short) jdk.invoke(null, f));
        }
    }

    @Test
    void everyBf16PatternRoundTripsExactly() {
        for (int b = 0; b < 65536; b++) {
            float f = HalfFloats.bf16ToFloat((short) b);
            assertThat(Float.floatToRawIntBits(f)).isEqualTo(b << 16);
            if (Float.isNaN(f)) {
                assertThat(HalfFloats.floatToBf16(f)).as("MLX turns every NaN into 0x7FC0").isEqualTo((short) 0x7FC0);
            } else {
                assertThat(HalfFloats.floatToBf16(f) & 0xFFFF).as("pattern 0x%04x", b).isEqualTo(b);
            }
        }
    }

    @Test
    void bf16MidpointsRoundToEvenAndNeighboursRoundToNearest() {
        for (int b = 0; b < 65536; b++) {
            if ((b & 0x7F80) == 0x7F80 || (b & 0x7FFF) == 0x7F7F) {
                continue; // infinity, NaN, or the largest finite value, whose upper neighbour is infinity
            }
            int lowerBits = b << 16;
            // the midpoint between b and its next larger-magnitude neighbour: the dropped half set to 0x8000
            float mid = Float.intBitsToFloat(lowerBits | 0x8000);
            int even = (b & 1) == 0 ? b : b + 1;
            assertThat(HalfFloats.floatToBf16(mid) & 0xFFFF).as("midpoint above 0x%04x", b).isEqualTo(even);
            assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(lowerBits | 0x7FFF)) & 0xFFFF).isEqualTo(b);
            assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(lowerBits | 0x8001)) & 0xFFFF).isEqualTo(b + 1);
        }
    }

    @Test
    void bf16KeepsInfinitiesAndOverflowsToInfinity() {
        assertThat(HalfFloats.floatToBf16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7F80);
        assertThat(HalfFloats.floatToBf16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFF80);
        assertThat(HalfFloats.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0xFFC00001))).isEqualTo((short) 0x7FC0);
    }
}

package dev.quantcheck.quantization;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** E2M1, E4M3 and E8M0 codes decoded by hand, and the GPU encoders' rounding, ties and saturation (section 3). */
class MiniFloatsTest {

    // ---------------------------------------------------------------- E2M1

    @Test
    void e2m1CodesDecodeToTheTable() {
        float[] expected = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f, -0f, -0.5f, -1f, -1.5f, -2f, -3f, -4f, -6f};
        for (int code = 0; code < 16; code++) {
            assertThat(Float.floatToRawIntBits(MiniFloats.e2m1Value(code))).as("code %d", code)
                    .isEqualTo(Float.floatToRawIntBits(expected[code]));
        }
    }

    @Test
    void e2m1EncoderThresholdsSendTiesToTheEvenMantissa() {
        // >5 -> 6, >=3.5 -> 4, >2.5 -> 3, >=1.75 -> 2, >1.25 -> 1.5, >=.75 -> 1, >.25 -> .5
        assertThat(MiniFloats.encodeE2m1(0.25f)).isEqualTo(0);       // tie 0 | .5 -> 0
        assertThat(MiniFloats.encodeE2m1(Math.nextUp(0.25f))).isEqualTo(1);
        assertThat(MiniFloats.encodeE2m1(0.75f)).isEqualTo(2);       // tie .5 | 1 -> 1
        assertThat(MiniFloats.encodeE2m1(1.25f)).isEqualTo(2);       // tie 1 | 1.5 -> 1
        assertThat(MiniFloats.encodeE2m1(Math.nextUp(1.25f))).isEqualTo(3);
        assertThat(MiniFloats.encodeE2m1(1.75f)).isEqualTo(4);       // tie 1.5 | 2 -> 2
        assertThat(MiniFloats.encodeE2m1(2.5f)).isEqualTo(4);        // tie 2 | 3 -> 2
        assertThat(MiniFloats.encodeE2m1(Math.nextUp(2.5f))).isEqualTo(5);
        assertThat(MiniFloats.encodeE2m1(3.5f)).isEqualTo(6);        // tie 3 | 4 -> 4
        assertThat(MiniFloats.encodeE2m1(5f)).isEqualTo(6);          // tie 4 | 6 -> 4
        assertThat(MiniFloats.encodeE2m1(Math.nextUp(5f))).isEqualTo(7);
        assertThat(MiniFloats.encodeE2m1(100f)).isEqualTo(7);        // saturates
        assertThat(MiniFloats.encodeE2m1(-3f)).isEqualTo(0xD);
        assertThat(MiniFloats.encodeE2m1(-0f)).isEqualTo(0x8);
        assertThat(MiniFloats.encodeE2m1(-0.1f)).isEqualTo(0x8);
        assertThat(MiniFloats.encodeE2m1(Float.NaN)).isEqualTo(0x7);
        for (int code = 0; code < 16; code++) {
            assertThat(MiniFloats.encodeE2m1(MiniFloats.e2m1Value(code))).isEqualTo(code);
        }
    }

    // ---------------------------------------------------------------- E4M3

    @Test
    void e4m3CodesDecodeByHand() {
        assertThat(MiniFloats.e4m3Value(0x00)).isEqualTo(0f);
        assertThat(MiniFloats.e4m3Value(0x01)).isEqualTo(0x1p-9f);          // smallest subnormal: 1/8 * 2^-6
        assertThat(MiniFloats.e4m3Value(0x07)).isEqualTo(7 * 0x1p-9f);      // largest subnormal
        assertThat(MiniFloats.e4m3Value(0x08)).isEqualTo(0x1p-6f);          // e=1: 2^(1-7)
        assertThat(MiniFloats.e4m3Value(0x38)).isEqualTo(1f);               // e=7, m=0
        assertThat(MiniFloats.e4m3Value(0x3F)).isEqualTo(1.875f);           // e=7, m=7
        assertThat(MiniFloats.e4m3Value(0x7E)).isEqualTo(448f);             // e=15, m=6: 1.75 * 2^8
        assertThat(MiniFloats.e4m3Value(0x7F)).isEqualTo(480f);             // no NaN in MLX's decoder: 1.875 * 2^8
        assertThat(Float.floatToRawIntBits(MiniFloats.e4m3Value(0x80))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(MiniFloats.e4m3Value(0xB8)).isEqualTo(-1f);
        assertThat(MiniFloats.e4m3Value(0xFE)).isEqualTo(-448f);
    }

    @Test
    void e4m3EncoderRoundTripsEveryCodeItEmits() {
        for (int code = 0; code < 256; code++) {
            if ((code & 0x7F) == 0x7F) {
                continue; // 480 saturates to 448: the encoder never emits 0x7F
            }
            assertThat(MiniFloats.encodeE4m3(MiniFloats.e4m3Value(code))).as("code 0x%02x", code).isEqualTo(code);
        }
        assertThat(MiniFloats.encodeE4m3(480f)).isEqualTo(0x7E);
    }

    @Test
    void e4m3EncoderRoundsToNearestEvenAndSaturates() {
        assertThat(MiniFloats.encodeE4m3(1.0625f)).isEqualTo(0x38);   // tie 1 | 1.125 -> even mantissa 0
        assertThat(MiniFloats.encodeE4m3(1.1875f)).isEqualTo(0x3A);   // tie 1.125 | 1.25 -> even mantissa 2
        assertThat(MiniFloats.encodeE4m3(Math.nextUp(1.0625f))).isEqualTo(0x39);
        assertThat(MiniFloats.encodeE4m3(1.5f * 0x1p-9f)).isEqualTo(0x02); // subnormal tie 1 | 2 -> 2
        assertThat(MiniFloats.encodeE4m3(0.5f * 0x1p-9f)).isEqualTo(0x00); // tie 0 | 1 -> 0
        assertThat(MiniFloats.encodeE4m3(447f)).isEqualTo(0x7E);
        assertThat(MiniFloats.encodeE4m3(464f)).isEqualTo(0x7E);
        assertThat(MiniFloats.encodeE4m3(1e9f)).isEqualTo(0x7E);
        assertThat(MiniFloats.encodeE4m3(-1e9f)).isEqualTo(0xFE);
        assertThat(MiniFloats.encodeE4m3(Float.POSITIVE_INFINITY)).isEqualTo(0x7E);
        assertThat(MiniFloats.encodeE4m3(Float.NaN)).isEqualTo(0x7E);
        assertThat(MiniFloats.encodeE4m3(-0f)).isEqualTo(0x80);
    }

    @Test
    void e4m3EncoderMatchesANearestEvenSearchOverTheTable() {
        SplittableRandom random = new SplittableRandom(8);
        for (int trial = 0; trial < 20_000; trial++) {
            // magnitudes from 2^-12 to 2^9, covering zero rounding, subnormals, normals and saturation
            float x = (float) (Math.scalb(1.0 + random.nextDouble(), random.nextInt(-12, 9)));
            assertThat(MiniFloats.encodeE4m3(x)).as("%s", x).isEqualTo(nearestE4m3(x));
        }
    }

    /** Independent oracle: the closest of the codes 0..0x7E, ties to the even code, with |x| >= 448 saturating. */
    private static int nearestE4m3(float x) {
        if (x >= 448f) {
            return 0x7E;
        }
        int best = 0;
        double bestDistance = Double.MAX_VALUE;
        for (int code = 0; code <= 0x7E; code++) {
            double distance = Math.abs((double) x - MiniFloats.e4m3Value(code));
            if (distance < bestDistance || (distance == bestDistance && code % 2 == 0)) {
                best = code;
                bestDistance = distance;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- E8M0

    @Test
    void e8m0CodesDecodeToPowersOfTwo() {
        assertThat(MiniFloats.e8m0Value(127)).isEqualTo(1f);
        assertThat(MiniFloats.e8m0Value(128)).isEqualTo(2f);
        assertThat(MiniFloats.e8m0Value(120)).isEqualTo(0x1p-7f);
        assertThat(MiniFloats.e8m0Value(1)).isEqualTo(0x1p-126f);
        assertThat(MiniFloats.e8m0Value(0)).isEqualTo(Math.scalb(1f, -127)).isPositive(); // 2^-127, a subnormal
        assertThat(MiniFloats.e8m0Value(254)).isEqualTo(0x1p127f);
        assertThat(MiniFloats.e8m0Value(255)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void e8m0EncoderRoundsLog2() {
        assertThat(MiniFloats.encodeE8m0(1f, Rounding.GPU)).isEqualTo(127);
        assertThat(MiniFloats.encodeE8m0(0.5f, Rounding.GPU)).isEqualTo(126);
        assertThat(MiniFloats.encodeE8m0(1.4f, Rounding.GPU)).isEqualTo(127);  // log2 0.485
        assertThat(MiniFloats.encodeE8m0(1.5f, Rounding.GPU)).isEqualTo(128);  // log2 0.585
        assertThat(MiniFloats.encodeE8m0(3f, Rounding.GPU)).isEqualTo(129);    // log2 1.585
        assertThat(MiniFloats.encodeE8m0(0f, Rounding.GPU)).isEqualTo(0);      // log2 -inf, clamped to -127
        assertThat(MiniFloats.encodeE8m0(0x1p-140f, Rounding.GPU)).isEqualTo(0);
        assertThat(MiniFloats.encodeE8m0(Float.MAX_VALUE, Rounding.GPU)).isEqualTo(254); // log2 128 -> 127
        assertThat(MiniFloats.encodeE8m0(-1f, Rounding.GPU)).isEqualTo(0);
        assertThat(MiniFloats.encodeE8m0(Float.POSITIVE_INFINITY, Rounding.GPU)).isEqualTo(0xFF);
        assertThat(MiniFloats.encodeE8m0(Float.NaN, Rounding.GPU)).isEqualTo(0xFF);
    }

    @Test
    void e8m0TieInFloatLog2SplitsGpuAndCpu() {
        // 1482910.375 is just below 2^20.5 = 1482910.40; its log2, 20.49999997, rounds to exactly 20.5 in float32
        // (ulp 2^-19 there), so half-away gives 21 and rint gives 20
        float s = 1482910.375f;
        assertThat(MiniFloats.log2(s)).isEqualTo(20.5f);
        assertThat(MiniFloats.encodeE8m0(s, Rounding.GPU)).isEqualTo(127 + 21);
        assertThat(MiniFloats.encodeE8m0(s, Rounding.CPU)).isEqualTo(127 + 20);
    }
}

package dev.quantcheck.format;

/**
 * Exact conversions between float32 and the two 16-bit float formats that model weights use.
 *
 * <p>Both directions round to nearest, ties to even, and keep infinities and NaN. Java 17 has no
 * {@code Float.floatToFloat16}; this class is the one place that does it, tested over all 65,536 bit patterns.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    // ---------------------------------------------------------------- IEEE binary16

    /** The float32 value of an IEEE binary16 bit pattern; exact. NaN payloads are kept. */
    public static float f16ToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0) {
            // subnormal: mantissa * 2^-24 is exact in float32
            return Float.intBitsToFloat(sign | Float.floatToRawIntBits(mantissa * 0x1p-24f));
        }
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** The binary16 bit pattern nearest to {@code value} (ties to even); overflow gives infinity, NaN stays NaN. */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFF_FFFF;
        if (abs >= 0x7F80_0000) {
            if (abs == 0x7F80_0000) {
                return (short) (sign | 0x7C00);
            }
            // quiet NaN, keeping the high payload bits
            return (short) (sign | 0x7E00 | ((abs >>> 13) & 0x3FF));
        }
        if (abs >= 0x477F_F000) { // 65520 = max half + half an ulp: ties to even round up to infinity
            return (short) (sign | 0x7C00);
        }
        if (abs < 0x3880_0000) { // below 2^-14: binary16 subnormal or zero
            if (abs <= 0x3300_0000) { // at most 2^-25, half the smallest subnormal: ties to even give zero
                return (short) sign;
            }
            int exponent = abs >>> 23;
            int significand = (abs & 0x7F_FFFF) | 0x80_0000;
            return (short) (sign | shiftRoundEven(significand, 126 - exponent));
        }
        // rebias the exponent from 127 to 15; a carry out of the mantissa correctly bumps the exponent
        return (short) (sign | shiftRoundEven(abs - 0x3800_0000, 13));
    }

    // ---------------------------------------------------------------- bfloat16

    /** The float32 value of a bfloat16 bit pattern; exact. */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /**
     * The bfloat16 nearest to {@code value} (ties to even), exactly as MLX's {@code bfloat16_t} constructor:
     * every NaN becomes {@code 0x7FC0}.
     */
    public static short floatToBf16(float value) {
        if (Float.isNaN(value)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(value);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    // ---------------------------------------------------------------- helpers

    /** {@code value >>> shift}, rounded to nearest with ties to even. */
    private static int shiftRoundEven(int value, int shift) {
        int quotient = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (quotient & 1) == 1)) {
            quotient++;
        }
        return quotient;
    }
}

package dev.quantcheck.quantization;

/**
 * The 4- and 8-bit float formats of MLX's fp quantization modes, decoded and encoded as MLX's Metal kernels do
 * (fp4.h, fp8.h; docs/mlx-quantized-format.md section 3). Codes are ints holding the unsigned bit pattern.
 *
 * <ul>
 *   <li>E2M1 (fp4): sign bit 3, magnitude {0, .5, 1, 1.5, 2, 3, 4, 6}; the elements of mxfp4 and nvfp4.</li>
 *   <li>E4M3 (fp8): bias 7 with subnormals; the elements of mxfp8 and the scales of nvfp4.</li>
 *   <li>E8M0: a bare power of two; the scales of mxfp4 and mxfp8.</li>
 * </ul>
 */
public final class MiniFloats {
    private static final float[] E2M1_MAGNITUDES = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f};
    private static final double LN_2 = Math.log(2.0);

    private MiniFloats() {
    }

    // ---------------------------------------------------------------- E2M1

    /** The value of a 4-bit E2M1 code (only the low 4 bits are read). Code 8 is -0.0. */
    public static float e2m1Value(int code) {
        float magnitude = E2M1_MAGNITUDES[code & 7];
        return (code & 8) != 0 ? -magnitude : magnitude;
    }

    /**
     * The E2M1 code of {@code x}, with the GPU encoder's thresholds: ties go to the even mantissa
     * (0.25 to 0, 0.75 to 1, 1.25 to 1, 1.75 to 2, 2.5 to 2, 3.5 to 4, 5 to 4), beyond 6 saturates, NaN gives 0x7.
     */
    public static int encodeE2m1(float x) {
        if (Float.isNaN(x)) {
            return 0x7;
        }
        int sign = (Float.floatToRawIntBits(x) >>> 31) << 3;
        float a = Math.abs(x);
        int magnitude;
        if (a > 5.0f) {
            magnitude = 7;
        } else if (a >= 3.5f) {
            magnitude = 6;
        } else if (a > 2.5f) {
            magnitude = 5;
        } else if (a >= 1.75f) {
            magnitude = 4;
        } else if (a > 1.25f) {
            magnitude = 3;
        } else if (a >= 0.75f) {
            magnitude = 2;
        } else if (a > 0.25f) {
            magnitude = 1;
        } else {
            magnitude = 0;
        }
        return magnitude | sign;
    }

    // ---------------------------------------------------------------- E4M3

    /**
     * The value of an 8-bit E4M3 code: {@code (1 + m/8) * 2^(e-7)}, or {@code m * 2^-9} when e is 0.
     * MLX's decoder has no NaN, so 0x7F (and 0xFF) decode to +-480.
     */
    public static float e4m3Value(int code) {
        int exponent = (code >>> 3) & 0xF;
        int mantissa = code & 7;
        float magnitude = exponent == 0
                ? mantissa * 0x1p-9f
                : (8 + mantissa) * Math.scalb(1f, exponent - 10);
        return (code & 0x80) != 0 ? -magnitude : magnitude;
    }

    /**
     * The E4M3 code of {@code x}, by the bit manipulation MLX took from PyTorch: round to nearest even, and
     * |x| >= 448 (or NaN) saturates to 0x7E, so 0x7F is never produced.
     */
    public static int encodeE4m3(float x) {
        final int fp8Max = 543 << 21;      // bit pattern of 448.0f
        final int denormMask = 141 << 23;  // bit pattern of 2^14
        int bits = Float.floatToRawIntBits(x);
        int sign = bits & 0x8000_0000;
        bits ^= sign;
        int code;
        if (bits >= fp8Max) {
            code = 0x7E;
        } else if (bits < (121 << 23)) {
            // below 2^-6, a subnormal: adding 2^14 lets the float adder round to the 2^-9 grid
            int sum = Float.floatToRawIntBits(Float.intBitsToFloat(bits) + Float.intBitsToFloat(denormMask));
            code = sum - denormMask;
        } else {
            int mantissaOdd = (bits >>> 20) & 1;
            bits += ((7 - 127) << 23) + 0x7FFFF;
            bits += mantissaOdd;
            code = (bits >>> 20) & 0xFF;
        }
        return code | (sign >>> 24);
    }

    // ---------------------------------------------------------------- E8M0

    /** The value of an E8M0 scale code: {@code 2^(code-127)}; code 0 is 2^-127 (a float32 subnormal), 0xFF is +inf. */
    public static float e8m0Value(int code) {
        int c = code & 0xFF;
        return c == 0 ? Float.intBitsToFloat(0x40_0000) : Float.intBitsToFloat(c << 23);
    }

    /**
     * The E8M0 code of a scale: {@code clamp(round(log2(s)), -127, 127) + 127}; negative scales give 0 and
     * non-finite ones 0xFF. log2 is evaluated in float32 (correctly rounded, which Metal's {@code log2} need not
     * be), so scales within a float ulp of {@code 2^(k+1/2)} may differ from a real GPU.
     */
    public static int encodeE8m0(float s, Rounding rounding) {
        if (!Float.isFinite(s)) {
            return 0xFF;
        }
        if (s < 0f) {
            return 0x00;
        }
        float exponent = rounding.round(log2(s));
        // log2(0) is -inf, which clamps to -127 like Metal's int conversion does
        int n = exponent == Float.NEGATIVE_INFINITY ? -127 : (int) exponent;
        n = Math.max(-127, Math.min(127, n));
        return n + 127;
    }

    /** log2 of a non-negative finite float, rounded once to float32. */
    static float log2(float x) {
        if (x == 0f) {
            return Float.NEGATIVE_INFINITY;
        }
        double d = x; // float subnormals are normal doubles, so getExponent is exact
        int exponent = Math.getExponent(d);
        double mantissa = d / Math.scalb(1.0, exponent); // exact, in [1, 2)
        return (float) (exponent + Math.log(mantissa) / LN_2);
    }
}

package dev.quantcheck.assertions.error;

import dev.quantcheck.metrics.Band;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.function.Predicate;

/**
 * How messages write numbers and texts: three significant digits, more where fewer would misstate a comparison
 * (0.98996 against a threshold of 0.99 is written 0.98996, never 0.99); scientific below 1e-4 ({@code 2.3e-5});
 * NaN and Infinity as Java spells them; texts in single quotes, cut at {@value #MAX_TEXT} characters.
 */
final class Numbers {
    static final int MAX_TEXT = 60;
    static final int WORST = 5;
    private static final int DIGITS = 3;

    private Numbers() {
    }

    /** A threshold or other given number, exactly as short as it is: 0.99, 0.001, 3, 1e-8. */
    static String exact(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return write(new BigDecimal(Double.toString(value)).stripTrailingZeros());
    }

    /** A measured number with three significant digits. */
    static String of(double value) {
        return fitting(value, r -> true);
    }

    /** A measured number, with as many digits as it takes to fall on the same side of {@code threshold}. */
    static String against(double value, double threshold) {
        return fitting(value, sameSide(value, threshold));
    }

    /** A mean cosine, with as many digits as it takes to stay in its band and on its side of {@code threshold}. */
    static String meanCosine(double value, double threshold) {
        Band band = Band.of(value);
        return fitting(value, sameSide(value, threshold).and(r -> Band.of(r.doubleValue()) == band));
    }

    /** A mean cosine, with as many digits as it takes to stay in its band. */
    static String meanCosine(double value) {
        Band band = Band.of(value);
        return fitting(value, r -> Band.of(r.doubleValue()) == band);
    }

    private static Predicate<BigDecimal> sameSide(double value, double threshold) {
        if (!Double.isFinite(threshold) || !Double.isFinite(value)) {
            return r -> true;
        }
        BigDecimal t = new BigDecimal(Double.toString(threshold));
        int side = new BigDecimal(value).compareTo(t);
        return r -> r.compareTo(t) == side;
    }

    private static String fitting(double value, Predicate<BigDecimal> fits) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        BigDecimal exact = new BigDecimal(value);
        for (int digits = DIGITS; digits <= 17; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (fits.test(rounded)) {
                return write(rounded.stripTrailingZeros());
            }
        }
        return Double.toString(value);
    }

    private static String write(BigDecimal d) {
        if (d.signum() == 0) {
            return "0";
        }
        if (d.abs().compareTo(new BigDecimal("1e-4")) >= 0) {
            return d.toPlainString();
        }
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d.signum() < 0 ? "-" : "") + mantissa + "e" + exponent;
    }

    /** {@code 'text'}, on one line and cut to {@value #MAX_TEXT} characters with "...". */
    static String quote(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        if (line.length() > MAX_TEXT) {
            line = line.substring(0, MAX_TEXT - 3) + "...";
        }
        return "'" + line + "'";
    }

    /** {@code p01}, {@code p05}, {@code p50}, {@code p2.5}, {@code p100}. */
    static String percentileName(double p) {
        if (p == Math.rint(p) && p >= 0 && p < 10) {
            return "p0" + (int) p;
        }
        return "p" + exact(p);
    }

    /** "1 text" / "3 texts" and the like. */
    static String count(long n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }
}

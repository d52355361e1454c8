package dev.quantcheck.assertions.error;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** How messages write numbers and texts. */
class NumbersTest {

    @ParameterizedTest
    @CsvSource({"0.99, 0.99", "0.001, 0.001", "3, 3", "3.5, 3.5", "1e-8, 1e-8", "0.00001, 1e-5", "0.0001, 0.0001",
            "25, 25", "100, 100"})
    void thresholdsAreWrittenAsShortAsTheyAre(double value, String written) {
        assertThat(Numbers.exact(value)).isEqualTo(written);
    }

    @ParameterizedTest
    @CsvSource({"0.962, 0.99, 0.962", "0.96249, 0.99, 0.962", "0.85, 0.99, 0.85", "0.98996, 0.99, 0.98996",
            "0.9899999, 0.99, 0.9899999", "0.00234, 0.001, 0.00234", "0.0010004, 0.001, 0.0010004",
            "0.0000234567, 0.00001, 2.35e-5", "1.0, 3, 1", "3.7594, 3, 3.76", "86.0907, 25, 86.1"})
    void measuredNumbersHaveThreeSignificantDigitsOrAsManyAsTheComparisonNeeds(double value, double threshold,
                                                                              String written) {
        assertThat(Numbers.against(value, threshold)).isEqualTo(written);
    }

    @Test
    void nanAndInfinityAreSpelledAsJavaSpellsThem() {
        assertThat(Numbers.against(Double.NaN, 0.99)).isEqualTo("NaN");
        assertThat(Numbers.of(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(Numbers.of(-0.318)).isEqualTo("-0.318");
        assertThat(Numbers.of(0)).isEqualTo("0");
    }

    @Test
    void aMeanCosineStaysInItsBand() {
        // 0.99004 is EXCELLENT; three digits (0.99) would read as GOOD
        assertThat(Numbers.meanCosine(0.99004)).isEqualTo("0.99004");
        assertThat(Numbers.meanCosine(0.94996)).isEqualTo("0.94996");
        assertThat(Numbers.meanCosine(0.9514)).isEqualTo("0.951");
        assertThat(Numbers.meanCosine(0.9514, 0.99)).isEqualTo("0.951");
    }

    @Test
    void textsAreQuotedOnOneLineAndCut() {
        assertThat(Numbers.quote("The chef slices a ripe tomato.")).isEqualTo("'The chef slices a ripe tomato.'");
        assertThat(Numbers.quote("two\nlines")).isEqualTo("'two lines'");
        String long86 = "A teenager on a red skateboard hops onto the kerb outside the bakery and rolls away.";
        assertThat(Numbers.quote(long86)).isEqualTo("'A teenager on a red skateboard hops onto the kerb outside...'")
                .hasSize(62);
    }

    @ParameterizedTest
    @CsvSource({"1, p01", "5, p05", "50, p50", "2.5, p2.5", "99.9, p99.9", "100, p100", "0.5, p0.5"})
    void percentilesAreNamedLikeTheJsonKeys(double p, String name) {
        assertThat(Numbers.percentileName(p)).isEqualTo(name);
    }
}

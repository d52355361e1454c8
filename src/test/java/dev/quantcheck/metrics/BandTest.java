package dev.quantcheck.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The testing plan's interpretation bands. */
class BandTest {

    @ParameterizedTest
    @CsvSource({
            "0.9999, EXCELLENT", "0.99001, EXCELLENT", "0.99, GOOD", "0.97, GOOD", "0.95, GOOD",
            "0.9499, ACCEPTABLE", "0.90, ACCEPTABLE", "0.8999, POOR", "-1, POOR", "NaN, POOR"})
    void bandOfAMeanCosine(double meanCosine, Band expected) {
        assertThat(Band.of(meanCosine)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EXCELLENT | EXCELLENT: > 0.99", "GOOD | GOOD: 0.95-0.99", "ACCEPTABLE | ACCEPTABLE: 0.90-0.95",
            "POOR | POOR: < 0.90"})
    void labelsAreThePlansWords(Band band, String label) {
        assertThat(band.label()).isEqualTo(label);
    }
}

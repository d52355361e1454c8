package com.example.models;

import dev.quantcheck.assertions.QuantCheckAssertions;
import dev.quantcheck.junit.ModelUnderTest;
import dev.quantcheck.junit.QuantCheckTest;
import dev.quantcheck.junit.QuantizedModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The incident that started quantcheck: a converter quantized to 8 bits, then stored the dequantized weights as
 * float32, so the "compressed" model was as big as the original. quantcheck's --fake reproduces that converter;
 * these gates catch it.
 */
@QuantCheckTest
class FakeQuantizationIsCaughtTest {
    @QuantizedModel(model = "all-minilm-l6-v2", bits = 8, fake = true)
    ModelUnderTest fake;

    @Test
    void theFakeIsNotTrulyQuantized() {
        assertThatThrownBy(() -> QuantCheckAssertions.assertThat(fake.path()).isTrulyQuantized())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("FAKE_QUANTIZED: 39 of 39 Linear/Embedding weights are float32 on an 8-bit grid");
    }

    @Test
    void theFakeMissesItsSizeGate() {
        // the gate of the true 8-bit entry in config/models.yaml, which the fake claims to be
        double gate = fake.thresholds().minCompressionRatio();
        assertThatThrownBy(() -> QuantCheckAssertions.assertThat(fake.path()).hasCompressionRatioAtLeast(gate))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("compression ratio of at least " + gate);
    }
}

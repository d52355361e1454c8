package dev.quantcheck.assertions.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantcheck.assertions.CompressionRatio;
import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.LayerReport;
import dev.quantcheck.inspection.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model message factories on hand-made inspection reports, for the cases the real models do not show: a MIXED
 * model with fake layers, mixed bits, metadata without a ratio or a target.
 */
class ModelMessagesTest {
    private static final Path DIR = Path.of("models/mlx/x");

    private static LayerReport packed(String name, int bits) {
        return new LayerReport(name, List.of(name), List.of(64L, 64L), LayerReport.PACKED, "affine", bits, 64,
                1000, bits + 0.5, true, Verdict.TRUE_QUANTIZED, "packed", Optional.empty(), List.of(),
                Optional.empty());
    }

    private static LayerReport fake(String name) {
        return new LayerReport(name, List.of(name), List.of(64L, 64L), "F32", "affine", 8, 64, 16384, 32, true,
                Verdict.FAKE_QUANTIZED, "float32 on an 8-bit grid", Optional.empty(), List.of(), Optional.empty());
    }

    private static InspectionReport report(Verdict verdict, LayerReport... layers) {
        return new InspectionReport(DIR, verdict, "the evidence", 0, 0, 0, List.of(layers));
    }

    @Test
    void aMixedModelWithFakeLayersNamesThem() {
        InspectionReport r = report(Verdict.MIXED, packed("a.weight", 8), fake("b.weight"), fake("c.weight"));
        assertThat(ShouldNotBeFakeQuantized.shouldNotBeFakeQuantized(DIR, r).create()).isEqualTo("expected "
                + DIR + " not to be fake quantized but 2 of its Linear/Embedding weights are: b.weight (float32 on "
                + "an 8-bit grid), c.weight (float32 on an 8-bit grid); the inspector says MIXED: the evidence");
        InspectionReport one = report(Verdict.MIXED, packed("a.weight", 8), fake("b.weight"));
        assertThat(ShouldNotBeFakeQuantized.shouldNotBeFakeQuantized(DIR, one).create())
                .contains("but 1 of its Linear/Embedding weights is: b.weight (");
    }

    @Test
    void mixedBitsAreCountedPerBits() {
        InspectionReport r = report(Verdict.TRUE_QUANTIZED, packed("a.weight", 8), packed("b.weight", 4),
                packed("c.weight", 4), packed("d.weight", 2));
        assertThat(ShouldHaveBits.shouldHaveBits(DIR, 8, r).create()).isEqualTo("expected " + DIR + " to store "
                + "its Linear/Embedding weights packed at 8 bits but 3 of 4 packed weights have other bits (2 bits: "
                + "1, 4 bits: 2), e.g. b.weight; the inspector says TRUE_QUANTIZED: the evidence");
    }

    @Test
    void metadataWithoutARatioFallsBackToBitsPerWeight() throws Exception {
        var metadata = new ObjectMapper().readTree("{\"quantization\": {\"bits\": 8}}");
        assertThat(CompressionRatio.fromMetadata(metadata)).isEmpty();
        var sizes = new ObjectMapper().readTree("{\"quantization\": {\"original_size_mb\": 90, "
                + "\"actual_size_mb\": 30}}");
        assertThat(CompressionRatio.fromMetadata(sizes)).contains(new CompressionRatio(3.0, 90.0, 30.0, null, true));

        InspectionReport r = report(Verdict.FAKE_QUANTIZED);
        assertThat(ShouldHaveCompressionRatioAtLeast.shouldHaveCompressionRatioAtLeast(DIR, 3,
                CompressionRatio.fromBitsPerWeight(16, true), r).create()).isEqualTo("expected " + DIR + " to have "
                + "a compression ratio of at least 3 but it is 2 (conversion_metadata.json records no "
                + "quantization.compression_ratio, so computed against float32 storage: 32 / 16 bits per weight); "
                + "the inspector says FAKE_QUANTIZED: the evidence");
        assertThat(ShouldHaveCompressionRatioAtLeast.shouldHaveCompressionRatioAtLeast(DIR, 3,
                new CompressionRatio(2.5, null, null, null, true), r).create()).isEqualTo("expected " + DIR
                + " to have a compression ratio of at least 3 but it is 2.5 (from conversion_metadata.json); the "
                + "inspector says FAKE_QUANTIZED: the evidence");
    }

    @Test
    void metadataWithoutATargetSaysSo() {
        assertThat(ShouldMeetTargetSize.shouldHaveTargetSize(DIR, true, report(Verdict.TRUE_QUANTIZED)).create())
                .isEqualTo("expected " + DIR + " to meet its target size but its conversion_metadata.json records "
                        + "no quantization.target_size_mb (or no quantization.actual_size_mb); the inspector says "
                        + "TRUE_QUANTIZED: the evidence");
    }

    @Test
    void aDescriptionComesFirst() {
        var factory = ShouldBeTrulyQuantized.shouldBeTrulyQuantized(DIR, report(Verdict.NOT_QUANTIZED));
        assertThat(factory.create(new org.assertj.core.description.TextDescription("q8")))
                .isEqualTo("[q8] expected " + DIR + " to be truly quantized but it is NOT_QUANTIZED: the evidence");
        assertThat(factory.create()).isEqualTo(((QuantCheckErrorMessageFactory) factory).message());
    }
}

package dev.quantcheck.assertions.error;

import dev.quantcheck.assertions.CompressionRatio;
import dev.quantcheck.inspection.InspectionReport;
import org.assertj.core.error.ErrorMessageFactory;

import java.nio.file.Path;

/**
 * The model is not enough times smaller than its original:
 * {@code expected x to have a compression ratio of at least 3 but it is 1 (original 86.1 MB / converted 86.1 MB,
 * from conversion_metadata.json); the inspector says FAKE_QUANTIZED: ...}; without metadata:
 * {@code ... but it is 1 (there is no conversion_metadata.json, so computed against float32 storage: 32 / 32 bits
 * per weight); the inspector says NOT_QUANTIZED: ...}
 */
public final class ShouldHaveCompressionRatioAtLeast extends QuantCheckErrorMessageFactory {

    private ShouldHaveCompressionRatioAtLeast(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveCompressionRatioAtLeast(Path dir, double expected,
                                                                       CompressionRatio actual,
                                                                       InspectionReport report) {
        return new ShouldHaveCompressionRatioAtLeast("expected " + dir + " to have a compression ratio of at least "
                + Numbers.exact(expected) + " but it is " + Numbers.against(actual.value(), expected) + " ("
                + basis(actual) + ")" + ModelMessages.inspector(report));
    }

    private static String basis(CompressionRatio r) {
        if (r.isComputed()) {
            return (r.hasMetadata() ? "conversion_metadata.json records no quantization.compression_ratio"
                    : "there is no conversion_metadata.json") + ", so computed against float32 storage: 32 / "
                    + Numbers.of(r.bitsPerWeight()) + " bits per weight";
        }
        if (r.originalMb() != null && r.convertedMb() != null) {
            return "original " + Numbers.of(r.originalMb()) + " MB / converted " + Numbers.of(r.convertedMb())
                    + " MB, from conversion_metadata.json";
        }
        return "from conversion_metadata.json";
    }
}

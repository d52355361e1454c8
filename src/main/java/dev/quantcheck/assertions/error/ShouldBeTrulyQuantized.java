package dev.quantcheck.assertions.error;

import dev.quantcheck.inspection.InspectionReport;
import org.assertj.core.error.ErrorMessageFactory;

import java.nio.file.Path;

/**
 * Not every Linear/Embedding weight is stored packed:
 * {@code expected models/mlx/x to be truly quantized but it is FAKE_QUANTIZED: 39 of 39 Linear/Embedding weights
 * are float32 on an 8-bit grid (groups of 64, up to 256 levels); stored at 32 bits per weight, 4x what 8-bit
 * storage needs}
 */
public final class ShouldBeTrulyQuantized extends QuantCheckErrorMessageFactory {

    private ShouldBeTrulyQuantized(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldBeTrulyQuantized(Path dir, InspectionReport report) {
        return new ShouldBeTrulyQuantized("expected " + dir + " to be truly quantized but it is "
                + report.verdictLine());
    }
}

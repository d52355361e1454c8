package dev.quantcheck.assertions.error;

import dev.quantcheck.inspection.InspectionReport;
import org.assertj.core.error.ErrorMessageFactory;

import java.nio.file.Path;

/**
 * The converted model is larger than the target its conversion set:
 * {@code expected x to meet its target size of 25 MB but it is 86.1 MB, 3.44x the target (conversion_metadata.json);
 * the inspector says FAKE_QUANTIZED: ...}. Without a target to read: {@link #shouldHaveTargetSize}.
 */
public final class ShouldMeetTargetSize extends QuantCheckErrorMessageFactory {

    private ShouldMeetTargetSize(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldMeetTargetSize(Path dir, double targetMb, double actualMb,
                                                           InspectionReport report) {
        return new ShouldMeetTargetSize("expected " + dir + " to meet its target size of " + Numbers.exact(targetMb)
                + " MB but it is " + ModelMessages.megabytes(actualMb, targetMb) + ", "
                + Numbers.of(actualMb / targetMb) + "x the target (conversion_metadata.json)"
                + ModelMessages.inspector(report));
    }

    /**
     * There is no target to meet: {@code expected x to meet its target size but it has no conversion_metadata.json
     * to read it from; ...} or {@code ... but its conversion_metadata.json records no quantization.target_size_mb
     * (or no quantization.actual_size_mb); ...}
     */
    public static ErrorMessageFactory shouldHaveTargetSize(Path dir, boolean hasMetadata, InspectionReport report) {
        return new ShouldMeetTargetSize("expected " + dir + " to meet its target size but " + (hasMetadata
                ? "its conversion_metadata.json records no quantization.target_size_mb (or no "
                + "quantization.actual_size_mb)"
                : "it has no conversion_metadata.json to read it from") + ModelMessages.inspector(report));
    }
}

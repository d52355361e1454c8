package dev.quantcheck.assertions.error;

import dev.quantcheck.inspection.InspectionReport;
import org.assertj.core.error.ErrorMessageFactory;

import java.nio.file.Path;

/**
 * The weight files are too large:
 * {@code expected the weight files of x to be smaller than 20 MB but they are 22.9 MB (24024272 bytes, MB = 2^20
 * bytes); the inspector says TRUE_QUANTIZED: ...}
 */
public final class ShouldBeSmallerThanMegabytes extends QuantCheckErrorMessageFactory {

    private ShouldBeSmallerThanMegabytes(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldBeSmallerThanMegabytes(Path dir, double megabytes, long weightFileBytes,
                                                                  InspectionReport report) {
        return new ShouldBeSmallerThanMegabytes("expected the weight files of " + dir + " to be smaller than "
                + Numbers.exact(megabytes) + " MB but they are "
                + ModelMessages.megabytes(weightFileBytes / (1024.0 * 1024.0), megabytes) + " (" + weightFileBytes
                + " bytes, MB = 2^20 bytes)" + ModelMessages.inspector(report));
    }
}

package dev.quantcheck.assertions.error;

import dev.quantcheck.inspection.InspectionReport;

/** The parts that every model message shares. */
final class ModelMessages {
    private ModelMessages() {
    }

    /** "; the inspector says FAKE_QUANTIZED: 39 of 39 Linear/Embedding weights are ..." */
    static String inspector(InspectionReport report) {
        return "; the inspector says " + report.verdictLine();
    }

    /** "1.5 MB", with as many digits as it takes to fall on the same side of {@code threshold}. */
    static String megabytes(double mb, double threshold) {
        return Numbers.against(mb, threshold) + " MB";
    }
}

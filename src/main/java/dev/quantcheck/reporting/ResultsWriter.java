package dev.quantcheck.reporting;

import java.util.Map;

/**
 * Writes test results of its own into a results folder, for a run that is not a test run (the demo): one result
 * per {@link #start}, finished by {@link #finish}. Results are written when finished. Not thread-safe.
 */
public interface ResultsWriter {
    /** How a result ended. */
    enum Outcome {
        PASSED, FAILED, BROKEN
    }

    /**
     * Starts a result; until {@link #finish}, the returned sink writes into it.
     *
     * @param name       the title shown in the report
     * @param fullName   a stable, unique name, e.g. {@code quantcheck.demo.true-4-bit}; the result's history
     *                   identity is derived from it, so that runs of the same model line up in Allure's history
     */
    ReportSink start(String name, String fullName);

    /** Ends a result with an outcome and, unless it passed, a message; times are epoch milliseconds. */
    void finish(ReportSink result, Outcome outcome, String message, long startMillis, long stopMillis);

    /** Writes {@code environment.properties}, which Allure shows on the report's overview. */
    void environment(Map<String, String> values);
}

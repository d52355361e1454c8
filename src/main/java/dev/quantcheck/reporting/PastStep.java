package dev.quantcheck.reporting;

/**
 * Work done before the report that shows it, e.g. a conversion made once for a whole test run and reused.
 *
 * @param name        what was done, as the step is titled
 * @param startMillis when it started (epoch milliseconds)
 * @param stopMillis  when it ended
 */
public record PastStep(String name, long startMillis, long stopMillis) {
    /** The duration in seconds. */
    public double seconds() {
        return (stopMillis - startMillis) / 1000.0;
    }
}

package dev.quantcheck.reporting;

import java.util.function.Supplier;

/**
 * Where quantcheck writes what it finds for one test result: Allure's result of the running test, a result of the
 * demo's own Allure output, or nowhere ({@link #NONE}). Every method of {@link #NONE} does nothing, except
 * {@link #step}, which still does the work.
 *
 * <p>Implementations never throw for reporting trouble (a full disk, no test running): reporting must not fail a
 * test. Not thread-safe: one sink belongs to one test on one thread.
 */
public interface ReportSink {

    /** Whether anything is written; when false, callers may skip computing attachments. */
    boolean active();

    /** A label, e.g. {@code epic = quantcheck}; Allure groups results by labels. Repeating a name adds a value. */
    void label(String name, String value);

    /**
     * A parameter of the result.
     *
     * @param identity true for a value that identifies the test (model, bits, corpus), false for one that varies
     *                 from run to run or machine to machine (a path, a measured metric, a duration): Allure leaves
     *                 those out of the result's history identity
     */
    void parameter(String name, String value, boolean identity);

    /** Runs {@code work} as a step named {@code name} (failed if it throws, which is rethrown) and returns its value. */
    <T> T step(String name, Supplier<T> work);

    /** Records a step that already ran, between these epoch milliseconds (e.g. a conversion cached for the run). */
    void pastStep(String name, long startMillis, long stopMillis);

    /** Attaches a file to the current step, or to the result outside steps. */
    void attach(String name, String mimeType, String extension, byte[] body);

    /** Appends a paragraph (Markdown) to the result's description. */
    void describe(String markdown);

    /** Writes nothing. */
    ReportSink NONE = new ReportSink() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public void label(String name, String value) {
        }

        @Override
        public void parameter(String name, String value, boolean identity) {
        }

        @Override
        public <T> T step(String name, Supplier<T> work) {
            return work.get();
        }

        @Override
        public void pastStep(String name, long startMillis, long stopMillis) {
        }

        @Override
        public void attach(String name, String mimeType, String extension, byte[] body) {
        }

        @Override
        public void describe(String markdown) {
        }

        @Override
        public String toString() {
            return "ReportSink.NONE";
        }
    };
}

package dev.quantcheck.reporting;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where test reports go: Allure when {@code io.qameta.allure.Allure} is on the classpath, nowhere otherwise.
 *
 * <p>Every Allure call is in {@code AllureReports}, which is loaded by reflection only after the check, so that a
 * classpath without Allure never touches an Allure type (as Lucene loads its Vector API provider).
 * {@code -Dquantcheck.allure=false} switches the integration off.
 */
public final class Reports {
    /** System property; {@code false} turns the Allure integration off. */
    public static final String ALLURE_PROPERTY = "quantcheck.allure";

    static final String ALLURE_CLASS = "io.qameta.allure.Allure";
    private static final String PROVIDER_CLASS = "dev.quantcheck.reporting.AllureReports";

    /** What the Allure integration offers; implemented by {@code AllureReports} only. */
    interface Provider {
        ReportSink currentTest(String className, String methodName);

        ResultsWriter results(Path directory);
    }

    private static final Provider PROVIDER = load(Reports.class.getClassLoader());

    private Reports() {
    }

    /** True when Allure is on the classpath and not switched off. */
    public static boolean allureAvailable() {
        return PROVIDER != null && !"false".equalsIgnoreCase(System.getProperty(ALLURE_PROPERTY));
    }

    /**
     * The Allure result of the test {@code className.methodName}, when Allure is running exactly that test on this
     * thread; {@link ReportSink#NONE} otherwise (no Allure, no test, or another test, such as the outer test of a
     * JUnit engine test kit run).
     */
    public static ReportSink currentTest(String className, String methodName) {
        return allureAvailable() ? PROVIDER.currentTest(className, methodName) : ReportSink.NONE;
    }

    /** A writer of Allure results into {@code directory}; empty without Allure. */
    public static Optional<ResultsWriter> allureResults(Path directory) {
        return allureAvailable() ? Optional.of(PROVIDER.results(directory)) : Optional.empty();
    }

    /** The Allure provider when {@code loader} sees Allure, else null; never throws. */
    static Provider load(ClassLoader loader) {
        try {
            Class.forName(ALLURE_CLASS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        try {
            return (Provider) Class.forName(PROVIDER_CLASS, true, loader).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            // an Allure too old or too new for our calls: report nothing rather than break tests
            System.err.println("quantcheck: Allure found but not usable, no Allure reports: " + e);
            return null;
        }
    }
}

package dev.quantcheck.junit;

import dev.quantcheck.diagnosis.DiagnosisReport;
import dev.quantcheck.diagnosis.LayerDiagnosis;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.metrics.Band;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.reporting.CosineLine;
import dev.quantcheck.reporting.ModelFacts;
import dev.quantcheck.reporting.ReportContent;
import dev.quantcheck.reporting.ReportSink;
import dev.quantcheck.reporting.Reports;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.ValueWrapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes quantcheck results of the running test as JUnit report entries, which every runner shows (Surefire
 * writes them to its XML reports), and, when Allure is on the classpath, into the test's Allure result
 * ({@link ReportContent}: models, comparisons with their plots, a layer diagnosis of a failed gate).
 * {@link QuantCheckExtension} tells it which test is running on this thread.
 */
final class TestReports {
    /** System property; {@code false} stops the layer diagnosis of failed comparison gates. */
    static final String DIAGNOSE_PROPERTY = "quantcheck.diagnoseFailures";
    /** Texts the layer diagnosis of a failed gate runs on. */
    static final int DIAGNOSIS_TEXTS = 32;

    private static final ThreadLocal<Current> CURRENT = new ThreadLocal<>();

    /** The test running on this thread; {@code outer} is the test that ran an engine test kit around it, if any. */
    private static final class Current {
        final ExtensionContext context;
        final Current outer;
        final List<Compared> comparisons = new ArrayList<>();
        ReportContent content;

        Current(ExtensionContext context, Current outer) {
            this.context = context;
            this.outer = outer;
        }

        ReportContent content() {
            if (content == null) {
                ReportSink sink = context.getTestMethod()
                        .map(m -> Reports.currentTest(context.getRequiredTestClass().getName(), m.getName()))
                        .orElse(ReportSink.NONE);
                content = ReportContent.of(sink);
            }
            return content;
        }
    }

    /** A comparison made by {@link Embeddings#compareWith} in the running test. */
    private record Compared(Embeddings reference, Encoder candidate, EmbeddingComparison comparison) {
    }

    private TestReports() {
    }

    static void enter(ExtensionContext context) {
        CURRENT.set(new Current(context, CURRENT.get()));
    }

    static void leave() {
        Current current = CURRENT.get();
        if (current != null && current.outer != null) {
            CURRENT.set(current.outer);
        } else {
            CURRENT.remove();
        }
    }

    /** Publishes a comparison's headline metrics, keyed by the candidate's name; does nothing outside a test. */
    static void publish(String candidate, EmbeddingComparison c) {
        Current current = CURRENT.get();
        if (current == null) {
            return;
        }
        Map<String, String> entries = new LinkedHashMap<>();
        String prefix = "quantcheck." + candidate + ".";
        entries.put(prefix + "texts", String.valueOf(c.textCount()));
        entries.put(prefix + "cosine.mean", format(c.meanCosine()));
        entries.put(prefix + "cosine.min", format(c.minCosine()));
        entries.put(prefix + "cosine.p01", format(c.p01()));
        entries.put(prefix + "mse", format(c.mse()));
        entries.put(prefix + "max_abs_diff", format(c.maxAbsDiff()));
        entries.put(prefix + "nan_inf", c.nanCount() + "/" + c.infCount());
        entries.put(prefix + "band", Band.of(c.meanCosine()).name());
        current.context.publishReportEntry(entries);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }

    // ---------------------------------------------------------------- models and comparisons

    /** Whether the running test has a report beyond JUnit's entries (an Allure result). */
    static boolean reporting() {
        Current current = CURRENT.get();
        return current != null && current.content().active();
    }

    /**
     * Reports a model the running test uses (injected, or compared) in its Allure result, once per test;
     * {@code name} null takes the name it was converted under. Never throws.
     */
    static void model(String name, Encoder encoder) {
        Current current = CURRENT.get();
        if (current == null) {
            return;
        }
        ReportContent content = current.content();
        if (!content.active() || content.hasModel(encoder.path())) {
            return;
        }
        try {
            ModelResolver resolver = new ModelResolver(current.context);
            String known = name != null ? name : resolver.nameOf(encoder.path()).orElse(null);
            content.model(ModelFacts.of(known, encoder.model()), resolver.history(encoder.path()),
                    () -> resolver.inspection(encoder));
        } catch (RuntimeException e) {
            // a report problem is no test failure
        }
    }

    /** {@link Embeddings#compareWith}: embeds, compares, publishes, and reports in the running test. */
    static EmbeddingComparison compare(Embeddings reference, Encoder candidate) {
        String name = candidate.path().getFileName().toString();
        Current current = CURRENT.get();
        ReportContent content = current == null ? ReportContent.none() : current.content();
        model(null, candidate);
        Optional<ModelResolver.ReferenceOrigin> origin = current == null ? Optional.empty()
                : new ModelResolver(current.context).originOf(reference);
        String referenceName = origin.map(o -> o.model().getFileName().toString())
                .orElseGet(() -> lastPart(reference.origin()));
        float[][][] candidateVectors = new float[1][][];
        EmbeddingComparison comparison = content.step("compare " + name + " with " + referenceName + " on "
                + reference.size() + " texts", () -> {
            origin.flatMap(ModelResolver.ReferenceOrigin::embedded)
                    .ifPresent(e -> content.sink().pastStep(e.name(), e.startMillis(), e.stopMillis()));
            float[][] vectors = content.step("embed " + reference.size() + " texts with " + name,
                    () -> candidate.embed(reference.texts()));
            candidateVectors[0] = vectors;
            return content.step("compute the metrics", () -> {
                EmbeddingComparison c = EmbeddingComparison.of(reference.texts(), reference.vectors(), vectors);
                return reference.pairs().isEmpty() ? c : c.withPairs(reference.pairs(), reference.humanScores());
            });
        });
        publish(name, comparison);
        report(current, content, reference, candidate, candidateVectors[0], comparison, referenceName,
                origin.map(ModelResolver.ReferenceOrigin::corpus).orElse(null));
        return comparison;
    }

    /** The file name of a path-like origin, or the origin itself. */
    private static String lastPart(String origin) {
        int slash = Math.max(origin.lastIndexOf('/'), origin.lastIndexOf('\\'));
        return slash >= 0 && slash < origin.length() - 1 ? origin.substring(slash + 1) : origin;
    }

    private static void report(Current current, ReportContent content, Embeddings reference, Encoder candidate,
                               float[][] vectors, EmbeddingComparison comparison, String referenceName, String corpus) {
        if (current == null) {
            return;
        }
        current.comparisons.add(new Compared(reference, candidate, comparison));
        if (!content.active()) {
            return;
        }
        CosineLine line = CosineLine.of(new ModelResolver(current.context).thresholdsOf(candidate.path()));
        try {
            content.comparison(candidate.path().getFileName().toString(), referenceName, corpus, comparison,
                    new float[][][] {reference.vectors(), vectors}, line.value(), line.name());
        } catch (RuntimeException e) {
            // a report problem is no test failure
        }
    }

    // ---------------------------------------------------------------- failed gates

    /**
     * When an assertion fails in a test that compared through {@link Embeddings#compareWith} (a quality gate, such
     * as {@code assertThat(comparison).hasMeanCosineAtLeast(0.99)}), runs the layer diagnosis of the last
     * comparison's candidate against its reference model on the first {@value #DIAGNOSIS_TEXTS} texts, publishes its
     * summary as a report entry and in the Allure result, and returns the failure with the summary appended to its
     * message (same type, same message start, same stack trace). Returns {@code thrown} unchanged in every other
     * case, or when the diagnosis cannot run.
     *
     * <p>Any {@link AssertionError} counts, not only quantcheck's: AssertJ strips the frames of custom assertion
     * classes from failures, so a failure cannot tell which assertion class made it, and a plain
     * {@code assertThat(comparison.meanCosine()).isGreaterThan(0.99)} is a gate too.
     */
    static Throwable explain(ExtensionContext context, Throwable thrown) {
        Current current = CURRENT.get();
        if (current == null || current.comparisons.isEmpty() || !(thrown instanceof AssertionError)
                || "false".equalsIgnoreCase(System.getProperty(DIAGNOSE_PROPERTY))) {
            return thrown;
        }
        Compared last = current.comparisons.get(current.comparisons.size() - 1);
        ModelResolver resolver = new ModelResolver(context);
        Optional<ModelResolver.ReferenceOrigin> origin = resolver.originOf(last.reference());
        if (origin.isEmpty()) {
            return thrown;
        }
        String candidate = last.candidate().path().getFileName().toString();
        List<String> texts = last.reference().texts().subList(0, Math.min(DIAGNOSIS_TEXTS, last.reference().size()));
        DiagnosisReport report;
        ReportContent content = current.content();
        try {
            Encoder reference = resolver.encoder(origin.get().model());
            report = content.step("layer diagnosis of " + candidate + " on " + texts.size() + " texts",
                    () -> LayerDiagnosis.run(reference, last.candidate(), texts));
        } catch (RuntimeException e) {
            context.publishReportEntry("quantcheck." + candidate + ".diagnosis", "not available: " + e.getMessage());
            return thrown;
        }
        context.publishReportEntry("quantcheck." + candidate + ".diagnosis", report.summary());
        try {
            content.diagnosis(report);
        } catch (RuntimeException e) {
            // a report problem is no test failure
        }
        return withNote((AssertionError) thrown, "Layer diagnosis of " + candidate + " on the first " + texts.size()
                + " texts: " + report.summary());
    }

    /**
     * {@code error} with {@code note} on a new line after its message: a new instance of the same class with the
     * same cause, stack trace and suppressed exceptions when the class allows it, else {@code error} itself with
     * the note as a suppressed exception.
     */
    static AssertionError withNote(AssertionError error, String note) {
        String message = (error.getMessage() == null ? "" : error.getMessage()) + System.lineSeparator() + note;
        AssertionError copy = null;
        if (error.getClass() == AssertionError.class) {
            copy = new AssertionError(message, error.getCause());
        } else if (error.getClass() == AssertionFailedError.class) {
            AssertionFailedError failed = (AssertionFailedError) error;
            copy = failed.isExpectedDefined() || failed.isActualDefined()
                    ? new AssertionFailedError(message, unwrap(failed.getExpected()), unwrap(failed.getActual()),
                    error.getCause())
                    : new AssertionFailedError(message, error.getCause());
        } else {
            try {
                copy = error.getClass().getConstructor(String.class).newInstance(message);
                if (error.getCause() != null) {
                    copy.initCause(error.getCause());
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                copy = null;
            }
        }
        if (copy == null) {
            error.addSuppressed(new DiagnosisNote(note));
            return error;
        }
        copy.setStackTrace(error.getStackTrace());
        for (Throwable suppressed : error.getSuppressed()) {
            copy.addSuppressed(suppressed);
        }
        return copy;
    }

    private static Object unwrap(ValueWrapper value) {
        return value == null ? null : value.getValue();
    }

    /** Carries the diagnosis on a failure whose message cannot be extended. */
    static final class DiagnosisNote extends RuntimeException {
        DiagnosisNote(String note) {
            super(note, null, false, false);
        }
    }
}

package dev.quantcheck.junit;

import dev.quantcheck.metrics.Band;
import dev.quantcheck.metrics.EmbeddingComparison;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Publishes quantcheck results of the running test as JUnit report entries, which every runner shows (Surefire
 * writes them to its XML reports). {@link QuantCheckExtension} tells it which test is running on this thread.
 */
final class TestReports {
    private static final ThreadLocal<ExtensionContext> CURRENT = new ThreadLocal<>();

    private TestReports() {
    }

    static void enter(ExtensionContext context) {
        CURRENT.set(context);
    }

    static void leave() {
        CURRENT.remove();
    }

    /** Publishes a comparison's headline metrics, keyed by the candidate's name; does nothing outside a test. */
    static void publish(String candidate, EmbeddingComparison c) {
        ExtensionContext context = CURRENT.get();
        if (context == null) {
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
        context.publishReportEntry(entries);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}

package dev.quantcheck.reporting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.diagnosis.DiagnosisReport;
import dev.quantcheck.diagnosis.LayerError;
import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.InspectionTable;
import dev.quantcheck.inspection.ReportJson;
import dev.quantcheck.metrics.EmbeddingComparison;

import java.awt.AWTError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What quantcheck puts into one test result, whatever writes it: a model's labels, parameters, history and
 * quantization report; a comparison's metrics, per-text table and plots; a layer diagnosis.
 *
 * <p>Names are stable so that results line up from run to run: labels {@code epic = quantcheck},
 * {@code feature = }model name, {@code story = q8 / q4 / q8-fake}, {@code quantcheck_model},
 * {@code quantcheck_bits}, {@code quantcheck_band}; parameters {@code model}, {@code bits}, {@code group size},
 * {@code rounding}, {@code corpus} (identity) and {@code path}, {@code mean_cosine}, {@code min_cosine},
 * {@code p01_cosine}, {@code mse}, {@code max_abs_diff}, {@code spearman}, {@code band} (left out of the history
 * identity); attachments {@code quantcheck metrics.json}, {@code per-text cosine.csv}, {@code cosine histogram.png},
 * {@code pairwise similarities.png}, {@code quantization report.txt/.json}, {@code layer diagnosis.txt/.json},
 * {@code layer errors.png}. A second model or candidate in the same result gets its name in brackets after each.
 *
 * <p>Nothing here throws for a reporting problem: a failed inspection or plot becomes a text attachment saying so.
 * Not thread-safe: one per result.
 */
public final class ReportContent {
    /** Work that may throw a checked exception, for {@link #step}. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReportSink sink;
    private final Set<Path> models = new LinkedHashSet<>();
    private final Set<String> candidates = new LinkedHashSet<>();

    private ReportContent(ReportSink sink) {
        this.sink = sink;
    }

    public static ReportContent of(ReportSink sink) {
        return new ReportContent(sink);
    }

    /** Writes nothing. */
    public static ReportContent none() {
        return new ReportContent(ReportSink.NONE);
    }

    public ReportSink sink() {
        return sink;
    }

    /** Whether anything is written; when false, every method only does the work it is given. */
    public boolean active() {
        return sink.active();
    }

    /** Runs {@code work} as a step (failed when it throws, and the exception is rethrown unchanged). */
    public <T, E extends Exception> T step(String name, Work<T, E> work) throws E {
        if (!sink.active()) {
            return work.run();
        }
        try {
            return sink.step(name, () -> {
                try {
                    return work.run();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new Checked(e);
                }
            });
        } catch (Checked c) {
            @SuppressWarnings("unchecked")
            E e = (E) c.getCause();
            throw e;
        }
    }

    /** Carries a checked exception through {@link ReportSink#step}; its message is the cause's, for the report. */
    private static final class Checked extends RuntimeException {
        Checked(Exception cause) {
            super(cause.toString(), cause, false, false);
        }
    }

    // ---------------------------------------------------------------- models

    /** Whether {@link #model} already reported the model in {@code folder}. */
    public boolean hasModel(Path folder) {
        return models.contains(folder.toAbsolutePath().normalize());
    }

    /**
     * Reports a model once per result: labels, parameters, a step holding {@code history} (its conversion and
     * load, done earlier) and its quantization report, the {@code inspect} table as text and JSON.
     */
    public void model(ModelFacts model, List<PastStep> history, Supplier<InspectionReport> inspection) {
        if (!sink.active() || !models.add(model.path().toAbsolutePath().normalize())) {
            return;
        }
        String suffix = models.size() == 1 ? "" : " (" + model.title() + ")";
        sink.label("epic", "quantcheck");
        sink.label("feature", model.name());
        sink.label("story", model.bitsLabel());
        sink.label("tag", model.bitsLabel());
        sink.label("quantcheck_model", model.name());
        sink.label("quantcheck_bits", String.valueOf(model.bits()));
        sink.parameter("model" + suffix, model.name(), true);
        sink.parameter("bits" + suffix, model.bits() == 0 ? "float" : String.valueOf(model.bits()), true);
        if (model.bits() > 0) {
            sink.parameter("group size" + suffix, String.valueOf(model.groupSize()), true);
        }
        if (!model.rounding().isEmpty()) {
            sink.parameter("rounding" + suffix, model.rounding(), true);
        }
        if (model.fake()) {
            sink.parameter("fake" + suffix, "true", true);
        }
        sink.parameter("path" + suffix, model.path().toString(), false);
        sink.step("model " + model.title(), () -> {
            history.forEach(h -> sink.pastStep(h.name(), h.startMillis(), h.stopMillis()));
            sink.step("inspect " + model.path().getFileName(), () -> {
                attachInspection(inspection, suffix);
                return null;
            });
            return null;
        });
    }

    private void attachInspection(Supplier<InspectionReport> inspection, String suffix) {
        InspectionReport report;
        try {
            report = inspection.get();
        } catch (RuntimeException e) {
            text("quantization report" + suffix, "the model could not be inspected: " + e);
            return;
        }
        text("quantization report" + suffix, InspectionTable.of(report));
        json("quantization report" + suffix, ReportJson.toJson(report));
    }

    // ---------------------------------------------------------------- comparisons

    /**
     * Reports a comparison: its headline metrics as parameters, the metrics JSON ({@link EmbeddingComparison#toJson}
     * with {@code candidate}, {@code reference}, {@code corpus} and {@code threshold} added), the per-text CSV, the
     * cosine histogram with {@code threshold} drawn, and the similarity scatter.
     *
     * @param candidate   the candidate's name, e.g. its folder name
     * @param reference   the reference's name
     * @param corpus      what the texts are, stable from run to run (null: not reported)
     * @param vectors     [0]: the reference embeddings, [1]: the candidate's, as compared
     * @param threshold   the per-text cosine the histogram marks, named {@code thresholdName}
     */
    public void comparison(String candidate, String reference, String corpus, EmbeddingComparison comparison,
                           float[][][] vectors, double threshold, String thresholdName) {
        if (!sink.active()) {
            return;
        }
        candidates.add(candidate);
        String suffix = candidates.size() == 1 ? "" : " (" + candidate + ")";
        sink.parameter("reference" + suffix, reference, true);
        if (corpus != null) {
            sink.parameter("corpus" + suffix, corpus, true);
        }
        metric("mean_cosine" + suffix, comparison.meanCosine());
        metric("min_cosine" + suffix, comparison.minCosine());
        metric("p01_cosine" + suffix, comparison.comparedCount() == 0 ? Double.NaN : comparison.p01());
        metric("mse" + suffix, comparison.mse());
        metric("max_abs_diff" + suffix, comparison.maxAbsDiff());
        metric("spearman" + suffix, comparison.spearman());
        sink.parameter("band" + suffix, comparison.band().label(), false);
        sink.label("quantcheck_band", comparison.band().name());

        ObjectNode metrics = JSON.createObjectNode();
        metrics.put("candidate", candidate);
        metrics.put("reference", reference);
        metrics.put("corpus", corpus);
        metrics.put("threshold", threshold);
        metrics.put("threshold_name", thresholdName);
        metrics.setAll(comparison.toJson());
        json("quantcheck metrics" + suffix, metrics);
        sink.attach("per-text cosine" + suffix + ".csv", "text/csv", "csv",
                ReportTables.perTextCsv(comparison).getBytes(StandardCharsets.UTF_8));
        plot("cosine histogram" + suffix, () -> Plots.cosineHistogram(comparison, threshold, thresholdName));
        plot((comparison.sts().isPresent() ? "STS similarities" : "pairwise similarities") + suffix,
                () -> Plots.similarityScatter(comparison, vectors[0], vectors[1]));
    }

    private void metric(String name, double value) {
        sink.parameter(name, Double.isFinite(value) ? String.format(Locale.ROOT, "%.6g", value) : "NaN", false);
    }

    // ---------------------------------------------------------------- diagnosis

    /**
     * Reports a layer diagnosis: its summary in the description and as parameter {@code error_enters}, the table
     * and JSON, and the per-layer error chart.
     */
    public void diagnosis(DiagnosisReport report) {
        if (!sink.active()) {
            return;
        }
        sink.describe("**Where the error enters** (layer diagnosis on " + report.textCount() + " texts): "
                + report.summary());
        sink.parameter("error_enters", report.worstLayer().map(LayerError::label).orElse("nowhere"), false);
        text("layer diagnosis", report.toString());
        json("layer diagnosis", report.toJson());
        plot("layer errors", () -> Plots.layerErrors(report));
    }

    // ---------------------------------------------------------------- attachments

    // names carry their file type: a result shows "quantization report.txt" and "quantization report.json"

    private void text(String name, String body) {
        sink.attach(name + ".txt", "text/plain", "txt", body.getBytes(StandardCharsets.UTF_8));
    }

    private void json(String name, ObjectNode body) {
        try {
            sink.attach(name + ".json", "application/json", "json",
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            text(name, "cannot write JSON: " + e);
        }
    }

    /** Attaches a chart as PNG; a chart that cannot be drawn (no fonts, no AWT) becomes a note instead. */
    private void plot(String name, Supplier<Plot> draw) {
        try {
            sink.attach(name + ".png", "image/png", "png", draw.get().png());
        } catch (RuntimeException | AWTError | LinkageError | InternalError e) {
            text(name, "the chart could not be drawn: " + e);
        }
    }
}

package dev.quantcheck.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.QuantCheck;
import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.ConversionResult;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.conversion.ModelEntry;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.conversion.QualityThresholds;
import dev.quantcheck.corpus.Corpora;
import dev.quantcheck.corpus.TextCorpus;
import dev.quantcheck.format.AtomicFiles;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.inference.EncoderOptions;
import dev.quantcheck.inference.Truncation;
import dev.quantcheck.inference.ForwardTimer;
import dev.quantcheck.inference.TokenBatch;
import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.ModelInspector;
import dev.quantcheck.inspection.ReportJson;
import dev.quantcheck.inspection.Verdict;
import dev.quantcheck.metrics.Band;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.GateCheck;
import dev.quantcheck.metrics.StsCorrelation;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.reporting.CosineLine;
import dev.quantcheck.reporting.ModelFacts;
import dev.quantcheck.reporting.PastStep;
import dev.quantcheck.reporting.Plot;
import dev.quantcheck.reporting.Plots;
import dev.quantcheck.reporting.ReportContent;
import dev.quantcheck.reporting.Reports;
import dev.quantcheck.reporting.ResultsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code quantcheck demo}: the whole job on the built-in MiniLM, ending with the results table of the testing
 * plan that started the project — for the deliberately fake 8-bit conversion, true 8-bit and true 4-bit.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
                "Run the whole job on the built-in all-MiniLM-L6-v2: import it, convert it at 8 and 4 bits and as",
                "a fake 8-bit (the v1 bug), inspect the three, compare them with the original on a corpus, time",
                "them, and print the testing plan's results table. Everything is written to a results folder,",
                "with Allure results in its allure-results/ (one result per model: parameters, steps,",
                "attachments and plots) and the plots as PNG and SVG in its plots/."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CorpusOptions corpus;

    @Option(names = "--sts", paramLabel = "FILE", description = "STS Benchmark pairs with human scores, for the STS "
            + "Spearman row (default: the STS file of quantcheck's development machines when it is there; without "
            + "one the row is left out).")
    Path sts;

    @Option(names = "--max-pairs", paramLabel = "N", defaultValue = "300",
            description = "STS pairs to use (default ${DEFAULT-VALUE}).")
    int maxPairs;

    @Option(names = "--results", paramLabel = "DIR", description = "Results folder (default: results/demo).")
    Path results;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "10",
            description = "Timed forward passes per model (default ${DEFAULT-VALUE}; quick timings, not JMH).")
    int iterations;

    /** One column of the results table. */
    private record Row(String label, Path model, ConversionResult conversion, InspectionReport inspection,
                       EmbeddingComparison comparison, EmbeddingComparison stsComparison, ForwardTimer.Timing timing,
                       Double targetMb, QualityThresholds gates) {
        /** The correlations with human scores: of the corpus itself when it is an STS file, else of --sts. */
        StsCorrelation sts() {
            return comparison.sts().or(() -> stsComparison == null ? Optional.empty() : stsComparison.sts())
                    .orElse(null);
        }

        /** The gates on the corpus, and the STS gate on the separate STS comparison when there is one. */
        List<GateCheck> gateChecks() {
            List<GateCheck> checks = new ArrayList<>(GateCheck.of(gates, comparison));
            if (comparison.sts().isEmpty() && stsComparison != null) {
                GateCheck.of(gates, stsComparison).stream().filter(g -> g.gate().equals("sts_spearman_drop"))
                        .forEach(checks::add);
            }
            return checks;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path folder = results != null ? results : QuantCheck.home().resolve("results").resolve("demo");
        int step = 0;
        int steps = 6;
        String[] labels = {"fake 8-bit (v1)", "true 8-bit", "true 4-bit"};
        long[] started = new long[labels.length];
        ResultsWriter allure = allureResults(folder.resolve("allure-results"));
        List<ReportContent> reports = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            started[i] = System.currentTimeMillis();
            reports.add(allure == null ? ReportContent.none()
                    : ReportContent.of(allure.start("MiniLM " + labels[i], "quantcheck.demo." + slug(labels[i]))));
        }

        progress(out, ++step, steps, "Importing all-MiniLM-L6-v2 from its Maven artifact");
        long importStart = System.currentTimeMillis();
        Path original = BuiltinModels.miniLm();
        PastStep imported = new PastStep("import all-MiniLM-L6-v2 from its Maven artifact", importStart,
                System.currentTimeMillis());
        reports.forEach(r -> r.sink().pastStep(imported.name(), imported.startMillis(), imported.stopMillis()));
        out.printf("        %s%n", original);

        progress(out, ++step, steps, "Converting: 8-bit, 4-bit (config/models.yaml) and a fake 8-bit (the v1 bug)");
        ModelsConfig config = ModelsConfig.loadDefault();
        ModelEntry q8 = config.entry(BuiltinModels.MINILM, 8);
        ModelEntry q4 = config.entry(BuiltinModels.MINILM, 4);
        Path mlx = BuiltinModels.modelsRoot().resolve("mlx");
        ConversionResult fake = reports.get(0).step("convert to 8 bits with --fake (the v1 bug)", () -> convert(out,
                original, mlx.resolve(q8.outputName() + "-fake"), q8.conversionOptions().withFake(true)));
        ConversionResult c8 = reports.get(1).step("convert to 8 bits", () -> convert(out, original,
                mlx.resolve(q8.outputName()), q8.conversionOptions()));
        ConversionResult c4 = reports.get(2).step("convert to 4 bits", () -> convert(out, original,
                mlx.resolve(q4.outputName()), q4.conversionOptions()));

        progress(out, ++step, steps, "Inspecting the three conversions");
        List<Row> rows = new ArrayList<>();
        ConversionResult[] conversions = {fake, c8, c4};
        Double[] targets = {q8.targetSizeMb(), q8.targetSizeMb(), q4.targetSizeMb()};
        QualityThresholds[] gates = {q8.thresholds(), q8.thresholds(), q4.thresholds()};
        for (int i = 0; i < 3; i++) {
            InspectionReport report;
            ModelFacts facts;
            try (ModelDirectory model = ModelDirectory.open(conversions[i].output())) {
                report = ModelInspector.inspect(model);
                facts = ModelFacts.of(BuiltinModels.MINILM, model);
            }
            reports.get(i).model(facts, List.of(), () -> report);
            out.printf("        %-16s %s%n", labels[i], report.verdictLine());
            rows.add(new Row(labels[i], conversions[i].output(), conversions[i], report, null, null, null, targets[i],
                    gates[i]));
        }

        TextCorpus texts = corpus.load(maxPairs);
        TextCorpus stsPairs = texts.hasPairs() ? null : stsCorpus(out);
        progress(out, ++step, steps, "Comparing with the original on " + texts.describe()
                + (stsPairs == null ? "" : "; STS Spearman on " + stsPairs.describe()));
        float[][] reference;
        float[][] stsReference = null;
        ForwardTimer.Timing originalTiming;
        long embedStart = System.currentTimeMillis();
        try (Encoder encoder = Encoder.load(original, EncoderOptions.defaults())) {
            Truncation truncation = encoder.truncation(texts.texts());
            if (truncation.any()) {
                out.printf("        %s%n", truncation);
            }
            reference = encoder.embed(texts.texts());
            if (stsPairs != null) {
                stsReference = encoder.embed(stsPairs.texts());
            }
            originalTiming = time(encoder, texts);
        }
        PastStep referenceStep = new PastStep("load the fp32 original, embed " + texts.size()
                + " texts and time it", embedStart, System.currentTimeMillis());
        String corpusName = texts.describe();
        List<Row> compared = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            ReportContent report = reports.get(i);
            try (Encoder encoder = report.step("load " + row.model().getFileName(),
                    () -> Encoder.load(row.model(), EncoderOptions.defaults()))) {
                report.sink().pastStep(referenceStep.name(), referenceStep.startMillis(), referenceStep.stopMillis());
                float[][] candidate = report.step("embed " + texts.size() + " texts",
                        () -> encoder.embed(texts.texts()));
                EmbeddingComparison comparison = report.step("compare with the fp32 original",
                        () -> texts.compare(reference, candidate));
                EmbeddingComparison stsComparison = null;
                if (stsPairs != null) {
                    float[][] stsFloats = stsReference;
                    stsComparison = report.step("STS Spearman on " + stsPairs.describe(),
                            () -> stsPairs.compare(stsFloats, encoder.embed(stsPairs.texts())));
                }
                out.printf("        %-16s mean cosine %.5f, min %.5f (%s)%n", row.label(), comparison.meanCosine(),
                        comparison.minCosine(), Band.of(comparison.meanCosine()).name());
                CosineLine line = CosineLine.of(gates[i]);
                report.comparison(row.label(), "all-minilm-l6-v2 (fp32)", corpusName, comparison,
                        new float[][][] {reference, candidate}, line.value(), line.name());
                ForwardTimer.Timing timing = report.step("time " + iterations + " forward passes of 32 x 16 tokens",
                        () -> time(encoder, texts));
                report.sink().parameter("median_ms", String.format(Locale.ROOT, "%.1f", timing.medianMs()), false);
                compared.add(new Row(row.label(), row.model(), row.conversion(), row.inspection(), comparison,
                        stsComparison, timing, row.targetMb(), row.gates()));
                writePlots(folder.resolve("plots"), slug(row.label()), comparison, reference, candidate, gates[i]);
            }
        }

        progress(out, ++step, steps, "Timed " + iterations + " forward passes of 32 texts x 16 tokens per model (medians, "
                + "quick timings; JMH figures are in docs/PERFORMANCE.md)");
        out.printf("        %-16s %.1f ms%n", "fp32 original", originalTiming.medianMs());
        for (Row row : compared) {
            out.printf("        %-16s %.1f ms%n", row.label(), row.timing().medianMs());
        }

        progress(out, ++step, steps, "Results");
        String table = "Corpus: " + corpusName + "\n\n" + table(compared, originalTiming);
        out.println();
        out.print(table);
        write(folder, compared, table, originalTiming, corpusName);
        if (allure != null) {
            for (int i = 0; i < compared.size(); i++) {
                finish(allure, reports.get(i), compared.get(i), started[i]);
            }
            allure.environment(environment(corpusName));
            // the generator and its page report to Google unless told not to (README, "Reports in Allure")
            out.printf("%nWritten to %s; an HTML report of its Allure results, offline:%n"
                            + "  ALLURE_NO_ANALYTICS=true npx allure-commandline generate --single-file --clean -o %s %s%n",
                    folder, folder.resolve("allure-report"), folder.resolve("allure-results"));
        } else {
            out.printf("%nWritten to %s%n", folder);
        }
        return 0;
    }

    // ---------------------------------------------------------------- Allure results and plots

    /** A writer into {@code dir}, emptied of earlier demo results; null without Allure on the classpath. */
    private static ResultsWriter allureResults(Path dir) throws IOException {
        ResultsWriter writer = Reports.allureResults(dir).orElse(null);
        if (writer != null && Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith("-result.json") || name.endsWith("-container.json") || name.contains("-attachment")
                            || name.equals("environment.properties")) {
                        Files.delete(f);
                    }
                }
            }
        }
        return writer;
    }

    /** Passed when the model is truly quantized and meets its gates; failed, saying why, otherwise. */
    private static void finish(ResultsWriter allure, ReportContent report, Row row, long started) {
        List<String> problems = new ArrayList<>();
        if (row.inspection().verdict() != Verdict.TRUE_QUANTIZED) {
            problems.add(row.inspection().verdictLine());
        }
        row.gateChecks().stream().filter(g -> !g.passed()).forEach(g -> problems.add(g.toString()));
        allure.finish(report.sink(), problems.isEmpty() ? ResultsWriter.Outcome.PASSED : ResultsWriter.Outcome.FAILED,
                problems.isEmpty() ? null : String.join("; ", problems), started, System.currentTimeMillis());
    }

    /** The STS pairs for the human-score row: {@code --sts}, else the file beside the project, else none. */
    private TextCorpus stsCorpus(PrintWriter out) throws IOException {
        Path file = sts != null ? sts : Corpora.stsBeside(QuantCheck.home()).orElse(null);
        if (file == null) {
            out.printf("        no STS Benchmark file (--sts FILE): the STS Spearman row is left out%n");
            return null;
        }
        return Corpora.sts(file, maxPairs);
    }

    private static Map<String, String> environment(String corpus) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("quantcheck", QuantCheck.version());
        env.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        env.put("corpus", corpus);
        return env;
    }

    /** The comparison's histogram and scatter as PNG and SVG; a chart that cannot be drawn is skipped. */
    private static void writePlots(Path dir, String slug, EmbeddingComparison comparison, float[][] reference,
                                   float[][] candidate, QualityThresholds gates) throws IOException {
        List<Plot> plots;
        try {
            CosineLine line = CosineLine.of(gates);
            plots = List.of(Plots.cosineHistogram(comparison, line.value(), line.name()),
                    Plots.similarityScatter(comparison, reference, candidate));
        } catch (RuntimeException | java.awt.AWTError | LinkageError | InternalError e) {
            return;
        }
        Files.createDirectories(dir);
        for (Plot plot : plots) {
            AtomicFiles.write(dir.resolve(slug + "-" + plot.name() + ".png"), plot.png());
            AtomicFiles.write(dir.resolve(slug + "-" + plot.name() + ".svg"), plot.svgBytes());
        }
    }

    private static String slug(String label) {
        return label.replaceAll("[^a-z0-9]+", "-").replaceAll("-$", "");
    }

    private static void progress(PrintWriter out, int step, int steps, String what) {
        out.printf("[%d/%d] %s%n", step, steps, what);
        out.flush();
    }

    private static ConversionResult convert(PrintWriter out, Path source, Path output, ConversionOptions options)
            throws IOException {
        ConversionResult result = Converter.convert(source, output, options, Converter.Existing.KEEP_OR_REPLACE);
        out.printf("        %s %s (%.1f MB)%n", result.skipped() ? "kept    " : "wrote   ", output,
                result.metadata().actualSizeMb());
        return result;
    }

    /**
     * Forward passes of 32 texts of exactly 16 tokens cut from the corpus (JMH's first shape in
     * docs/PERFORMANCE.md): the same work for every model, whatever the lengths of the corpus's first texts.
     */
    private ForwardTimer.Timing time(Encoder encoder, TextCorpus texts) {
        // the pieces of the first 64 texts are plenty for 32 x 14, and tokenizing all of a large corpus is not free
        TokenBatch batch = ForwardTimer.exactBatch(encoder, texts.first(64).texts(), 32, 16);
        return ForwardTimer.time(encoder, batch, 2, iterations);
    }

    /** The results table of the original testing plan, with our measured numbers. */
    static String table(List<Row> rows, ForwardTimer.Timing original) {
        StringBuilder sb = new StringBuilder();
        String format = "| %-22s |" + " %-18s |".repeat(rows.size()) + "%n";
        Object[] header = new Object[rows.size() + 1];
        header[0] = "Metric";
        for (int i = 0; i < rows.size(); i++) {
            header[i + 1] = rows.get(i).label();
        }
        sb.append(String.format(Locale.ROOT, format, header));
        sb.append("|").append("-".repeat(24)).append(("|" + "-".repeat(20)).repeat(rows.size())).append("|\n");
        line(sb, format, "Size (MB)", rows, r -> String.format(Locale.ROOT, "%.1f", r.conversion().metadata().actualSizeMb()));
        line(sb, format, "vs target", rows, r -> r.targetMb() == null ? "-" : String.format(Locale.ROOT, "%.2fx of %.0f MB",
                r.conversion().metadata().actualSizeMb() / r.targetMb(), r.targetMb()));
        line(sb, format, "Compression vs fp32", rows, r -> String.format(Locale.ROOT, "%.2fx", r.conversion().metadata().compressionRatio()));
        line(sb, format, "Bits per weight", rows, r -> String.format(Locale.ROOT, "%.2f", r.inspection().averageBitsPerWeight()));
        line(sb, format, "Verdict", rows, r -> r.inspection().verdict().name());
        line(sb, format, "Mean cosine", rows, r -> String.format(Locale.ROOT, "%.5f", r.comparison().meanCosine()));
        line(sb, format, "Min cosine", rows, r -> String.format(Locale.ROOT, "%.5f", r.comparison().minCosine()));
        line(sb, format, "Cosine p01", rows, r -> String.format(Locale.ROOT, "%.5f", r.comparison().p01()));
        line(sb, format, "Top-10 overlap", rows, r -> r.comparison().comparedCount() > GateCheck.TOP_K
                ? String.format(Locale.ROOT, "%.4f", r.comparison().topKOverlap(GateCheck.TOP_K).mean()) : "-");
        line(sb, format, "Pairwise Spearman", rows, r -> String.format(Locale.ROOT, "%.4f", r.comparison().spearman()));
        if (rows.stream().anyMatch(r -> r.sts() != null)) {
            line(sb, format, "STS Spearman (human)", rows, r -> r.sts() == null ? "-"
                    : String.format(Locale.ROOT, "%.4f (fp32 %.4f)", r.sts().candidate(), r.sts().reference()));
        }
        line(sb, format, "Accuracy band", rows, r -> Band.of(r.comparison().meanCosine()).name());
        line(sb, format, "Gates (models.yaml)", rows, r -> {
            List<GateCheck> checks = r.gateChecks();
            long passed = checks.stream().filter(GateCheck::passed).count();
            return checks.isEmpty() ? "-" : passed + " of " + checks.size() + " passed";
        });
        line(sb, format, "ms / 32x16 (median)", rows, r -> String.format(Locale.ROOT, "%.1f (fp32 %.1f)",
                r.timing().medianMs(), original.medianMs()));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String format, String metric, List<Row> rows,
                             java.util.function.Function<Row, String> cell) {
        Object[] values = new Object[rows.size() + 1];
        values[0] = metric;
        for (int i = 0; i < rows.size(); i++) {
            values[i + 1] = cell.apply(rows.get(i));
        }
        sb.append(String.format(Locale.ROOT, format, values));
    }

    private static void write(Path folder, List<Row> rows, String table, ForwardTimer.Timing original, String corpus)
            throws IOException {
        Files.createDirectories(folder);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("quantcheck_version", QuantCheck.version());
        root.put("corpus", corpus);
        root.put("fp32_median_ms", original.medianMs());
        ArrayNode models = root.putArray("models");
        for (Row r : rows) {
            ObjectNode m = models.addObject();
            m.put("label", r.label());
            m.put("path", r.model().toString());
            m.set("conversion", r.conversion().metadata().toJson());
            m.put("verdict", r.inspection().verdict().name());
            m.set("comparison", r.comparison().toJson());
            if (r.sts() != null) {
                m.putObject("sts_spearman").put("pairs", r.sts().pairs()).put("reference", r.sts().reference())
                        .put("candidate", r.sts().candidate());
            }
            ArrayNode gateArray = m.putArray("gates");
            for (GateCheck g : r.gateChecks()) {
                gateArray.addObject().put("gate", g.gate()).put("bound", g.atLeast() ? ">=" : "<=")
                        .put("threshold", g.threshold()).put("actual", g.actual()).put("passed", g.passed());
            }
            m.put("median_ms", r.timing().medianMs());
            m.put("p90_ms", r.timing().p90Ms());
            String slug = r.label().replaceAll("[^a-z0-9]+", "-");
            AtomicFiles.write(folder.resolve("inspect-" + slug + ".json"),
                    json.writerWithDefaultPrettyPrinter().writeValueAsBytes(ReportJson.toJson(r.inspection())));
        }
        AtomicFiles.write(folder.resolve("results.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        AtomicFiles.write(folder.resolve("results.md"), table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}

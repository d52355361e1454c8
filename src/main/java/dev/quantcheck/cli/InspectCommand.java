package dev.quantcheck.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.InspectionTable;
import dev.quantcheck.inspection.LayerReport;
import dev.quantcheck.inspection.LayerStatistics;
import dev.quantcheck.inspection.ModelInspector;
import dev.quantcheck.inspection.ReportJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code quantcheck inspect DIR}: how a model's weights are really stored, layer by layer. */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
                "Show how a model's weights are really stored: packed (TRUE_QUANTIZED), float on a quantization",
                "grid (FAKE_QUANTIZED: quantized, dequantized and saved at full width) or plain float (NOT_QUANTIZED).",
                "Prints one row per layer (shape, stored dtype, bits, group size, bytes, bits per weight, verdict),",
                "the totals and the model's verdict: TRUE_QUANTIZED, FAKE_QUANTIZED, NOT_QUANTIZED or MIXED (some",
                "Linear/Embedding weights packed, some not). NaN and Inf are always reported."})
final class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "A model folder (config.json, model.safetensors, "
            + "tokenizer.json), float or MLX-quantized.")
    Path directory;

    @Option(names = "--verbose", description = "Also per-layer statistics (min/max, dequantized for packed layers; "
            + "distinct values per group; NaN/Inf counts) and each layer's evidence.")
    boolean verbose;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        InspectionReport report;
        try (ModelDirectory model = ModelDirectory.open(directory)) {
            report = ModelInspector.inspect(model,
                    verbose ? ModelInspector.Detail.STATISTICS : ModelInspector.Detail.SUMMARY);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ReportJson.toJson(report)));
        } else {
            out.print(InspectionTable.of(report));
            if (verbose) {
                printStatistics(out, report);
            }
        }
        out.flush();
        return 0;
    }

    // ---------------------------------------------------------------- the table

    private static void printStatistics(PrintWriter out, InspectionReport report) {
        int width = nameWidth(report.layers());
        String row = "%-" + width + "s  %12s  %12s  %22s  %9s  %9s%n";
        out.println();
        out.println("Statistics (min/max dequantized for packed layers; distinct values per group for float ones)");
        out.printf(Locale.ROOT, row, "LAYER", "MIN", "MAX", "DISTINCT/GROUP MAX,MED", "NAN", "INF");
        for (LayerReport l : report.layers()) {
            LayerStatistics s = l.statistics().orElseThrow();
            String distinct = s.distinct().map(d -> String.format(Locale.ROOT, "%d, %s (of %d)", d.max(),
                    trim(d.median()), d.groupSize())).orElse("-");
            out.printf(Locale.ROOT, row, l.name(), number(s.min()), number(s.max()), distinct,
                    String.format(Locale.ROOT, "%,d", l.nanCount()), String.format(Locale.ROOT, "%,d", l.infCount()));
        }
        out.println();
        out.println("Evidence");
        for (LayerReport l : report.layers()) {
            if (l.candidate()) {
                out.printf("  %s: %s%n", l.name(), l.evidence());
            }
        }
    }

    private static int nameWidth(List<LayerReport> layers) {
        return Math.max("LAYER".length(), layers.stream().mapToInt(l -> l.name().length()).max().orElse(0));
    }

    private static String orDash(Integer value) {
        return value == null ? "-" : value.toString();
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.6g", value);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}

package dev.quantcheck.inspection;

import dev.quantcheck.format.NonFiniteValues;

import java.util.List;
import java.util.Locale;

/** The per-layer table that {@code quantcheck inspect} prints and reports attach: one source for both. */
public final class InspectionTable {
    private InspectionTable() {
    }

    /** The table {@code quantcheck inspect} prints: one row per layer, then totals and the verdict. */
    public static String of(InspectionReport report) {
        StringBuilder s = new StringBuilder();
        int width = Math.max("LAYER".length(), report.layers().stream().mapToInt(l -> l.name().length()).max()
                .orElse(0));
        String row = "%-" + width + "s  %-12s  %-10s  %4s  %5s  %13s  %7s  %s%n";
        s.append(String.format("Model %s%n", report.model()));
        s.append(String.format(Locale.ROOT, row, "LAYER", "SHAPE", "STORAGE", "BITS", "GROUP", "BYTES", "BITS/W",
                "VERDICT"));
        for (LayerReport l : report.layers()) {
            s.append(String.format(Locale.ROOT, row, l.name(), l.shapeString(), l.storage(), orDash(l.bits()),
                    orDash(l.groupSize()), String.format(Locale.ROOT, "%,d", l.bytes()),
                    String.format(Locale.ROOT, "%.2f", l.bitsPerWeight()), l.verdict()));
        }
        s.append(String.format(Locale.ROOT, "%nTotal    %,d bytes (%.2f MB) in %d layers; weight files %,d bytes%n",
                report.tensorBytes(), report.tensorBytes() / 1e6, report.layers().size(), report.fileBytes()));
        s.append(String.format(Locale.ROOT, "Weights  %,d at %.2f bits per weight on average%n", report.weights(),
                report.averageBitsPerWeight()));
        s.append(String.format("Verdict  %s%n", report.verdictLine()));
        List<NonFiniteValues> nonFinite = report.nonFinite();
        if (!nonFinite.isEmpty()) {
            s.append(String.format("NaN/Inf  in %d tensor%s:%n", nonFinite.size(), nonFinite.size() == 1 ? "" : "s"));
            nonFinite.forEach(n -> s.append(String.format(Locale.ROOT, "  %s: %,d NaN, %,d Inf, first %s at %s%n",
                    n.tensor(), n.nanCount(), n.infCount(), n.firstValue(), n.firstIndex())));
        }
        return s.toString();
    }

    private static String orDash(Integer value) {
        return value == null ? "-" : value.toString();
    }
}

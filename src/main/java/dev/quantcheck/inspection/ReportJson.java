package dev.quantcheck.inspection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.format.NonFiniteValues;

/**
 * An {@link InspectionReport} as JSON, snake_case: {@code verdict}, {@code evidence}, {@code total_bytes},
 * {@code file_bytes}, {@code weights}, {@code average_bits_per_weight} and {@code layers[]}, each with {@code name},
 * {@code tensors}, {@code shape}, {@code storage}, {@code mode}, {@code bits}, {@code group_size}, {@code bytes},
 * {@code bits_per_weight}, {@code candidate}, {@code verdict}, {@code evidence}, {@code nan_count},
 * {@code inf_count}, {@code non_finite[]}, and {@code grid} and {@code statistics} when present. Absent values are
 * JSON null; non-finite statistics (a layer of NaN only) are null too.
 */
public final class ReportJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportJson() {
    }

    public static ObjectNode toJson(InspectionReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", report.model().toString());
        root.put("verdict", report.verdict().name());
        root.put("evidence", report.evidence());
        root.put("total_bytes", report.tensorBytes());
        root.put("file_bytes", report.fileBytes());
        root.put("weights", report.weights());
        root.put("average_bits_per_weight", report.averageBitsPerWeight());
        ArrayNode layers = root.putArray("layers");
        report.layers().forEach(l -> layers.add(layer(l)));
        return root;
    }

    private static ObjectNode layer(LayerReport l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", l.name());
        l.tensors().forEach(o.putArray("tensors")::add);
        l.shape().forEach(o.putArray("shape")::add);
        o.put("storage", l.storage());
        o.put("mode", l.mode());
        o.put("bits", l.bits());
        o.put("group_size", l.groupSize());
        o.put("bytes", l.bytes());
        o.put("bits_per_weight", l.bitsPerWeight());
        o.put("candidate", l.candidate());
        o.put("verdict", l.verdict().name());
        o.put("evidence", l.evidence());
        o.put("nan_count", l.nanCount());
        o.put("inf_count", l.infCount());
        ArrayNode nonFinite = o.putArray("non_finite");
        for (NonFiniteValues n : l.nonFinite()) {
            ObjectNode e = nonFinite.addObject();
            e.put("tensor", n.tensor());
            e.put("nan_count", n.nanCount());
            e.put("inf_count", n.infCount());
            n.firstIndex().forEach(e.putArray("first_index")::add);
            e.put("first_value", Float.toString(n.firstValue()));
        }
        l.grid().ifPresent(g -> {
            ObjectNode grid = o.putObject("grid");
            grid.put("bits", g.bits());
            grid.put("group_size", g.groupSize());
            grid.put("levels", g.levels());
            grid.put("max_distinct_per_group", g.maxDistinct());
            grid.put("median_step", g.medianStep());
            grid.put("groups", g.groups());
            grid.put("informative_groups", g.informativeGroups());
            grid.put("on_grid_groups", g.onGridGroups());
            grid.put("fraction_on_grid", g.fractionOnGrid());
        });
        l.statistics().ifPresent(s -> {
            ObjectNode stats = o.putObject("statistics");
            finite(stats, "min", s.min());
            finite(stats, "max", s.max());
            s.distinct().ifPresent(d -> {
                ObjectNode distinct = stats.putObject("distinct_per_group");
                distinct.put("group_size", d.groupSize());
                distinct.put("max", d.max());
                distinct.put("median", d.median());
            });
        });
        return o;
    }

    private static void finite(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }
}

package dev.quantcheck.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH JSON results into a Markdown table: per JDK, shape and engine, the median of every measured iteration
 * of every file (one file per round), the range of the per-round medians, and the ratio of the median to ONNX
 * Runtime fp32's at the same shape on the same JDK.
 *
 * <pre>java -cp ... dev.quantcheck.bench.Summary results/jmh-jdk17-round*.json results/jmh-jdk25-round*.json</pre>
 */
public final class Summary {
    private static final String BASELINE = "onnxruntime-fp32";

    private Summary() {
    }

    /** The iterations of one (JDK, shape, engine), per round. */
    private static final class Cell {
        final List<double[]> rounds = new ArrayList<>();

        double[] all() {
            return rounds.stream().flatMapToDouble(Arrays::stream).toArray();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<List<String>, Cell> cells = new LinkedHashMap<>();
        for (String file : args) {
            for (JsonNode run : new ObjectMapper().readTree(new File(file))) {
                List<String> key = List.of("JDK " + run.get("jdkVersion").asText(),
                        run.at("/params/shape").asText(), run.at("/params/engine").asText());
                Cell cell = cells.computeIfAbsent(key, k -> new Cell());
                for (JsonNode fork : run.at("/primaryMetric/rawData")) {
                    double[] values = new double[fork.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = fork.get(i).asDouble();
                    }
                    cell.rounds.add(values);
                }
            }
        }
        System.out.println("| JDK | texts x tokens | engine | median ms/forward | round medians ms | iterations "
                + "| / ONNX Runtime fp32 |");
        System.out.println("|---|---|---|---:|---:|---:|---:|");
        List<List<String>> keys = new ArrayList<>(cells.keySet());
        keys.sort((a, b) -> a.get(0).equals(b.get(0))
                ? (a.get(1).equals(b.get(1)) ? 0 : shapeOrder(a.get(1)) - shapeOrder(b.get(1)))
                : a.get(0).compareTo(b.get(0)));
        for (List<String> key : keys) {
            Cell cell = cells.get(key);
            double median = median(cell.all());
            double[] roundMedians = cell.rounds.stream().mapToDouble(Summary::median).toArray();
            Cell base = cells.get(List.of(key.get(0), key.get(1), BASELINE));
            System.out.printf("| %s | %s | %s | %.1f | %.1f-%.1f | %d | %s |%n", key.get(0), key.get(1), key.get(2),
                    median, Arrays.stream(roundMedians).min().orElse(Double.NaN),
                    Arrays.stream(roundMedians).max().orElse(Double.NaN), cell.all().length,
                    base == null ? "n/a" : String.format("%.2f", median / median(base.all())));
        }
    }

    /** 32x16 before 8x128: fewer tokens first. */
    private static int shapeOrder(String shape) {
        String[] p = shape.split("x");
        return Integer.parseInt(p[0]) * Integer.parseInt(p[1]);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

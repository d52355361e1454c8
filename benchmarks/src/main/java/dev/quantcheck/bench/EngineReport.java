package dev.quantcheck.bench;

import dev.quantcheck.inference.TokenBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the JMH numbers do not show, printed as one Markdown table row per call.
 *
 * <ul>
 *   <li>{@code memory ENGINE}: in a fresh JVM, the growth of resident memory (VmRSS) and of the Java heap (after
 *       a GC) from loading the engine and running 3 forward passes of 8 x 128 tokens, and the weight bytes the
 *       engine reports ({@code Encoder.residentBytes()}; ONNX Runtime cannot say).</li>
 *   <li>{@code agreement}: every engine against ONNX Runtime fp32 on the same 8 x 128 ids: the smallest cosine of
 *       the mean-pooled sentence embeddings, which shows that all engines compute the same model.</li>
 *   <li>{@code prepare}: imports and converts the models once, before JMH forks need them.</li>
 *   <li>{@code loop ENGINE SHAPE SECONDS}: forward passes for that long, then the median of the second half; a
 *       target for a profiler (JFR), not a benchmark.</li>
 * </ul>
 */
public final class EngineReport {
    private EngineReport() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "memory": memory(args[1]); break;
            case "agreement": agreement(); break;
            case "loop": loop(args[1], args[2], Double.parseDouble(args[3])); break;
            case "prepare":
                System.out.println("fp32: " + BenchModels.fp32() + ", q8: " + BenchModels.quantized(8) + ", q4: "
                        + BenchModels.quantized(4) + ", ONNX: " + BenchModels.onnxFp32() + ", "
                        + BenchModels.onnxInt8());
                break;
            default: throw new IllegalArgumentException("usage: EngineReport memory ENGINE | agreement | prepare"
                    + " | loop ENGINE SHAPE SECONDS");
        }
    }

    private static void memory(String name) throws Exception {
        TokenBatch batch = BenchModels.batch("8x128");
        long rssBefore = rssBytes();
        long heapBefore = heapAfterGc();
        try (Engine engine = Engine.open(name, batch, 2)) {
            for (int i = 0; i < 3; i++) {
                engine.forward();
            }
            long heap = heapAfterGc() - heapBefore;
            long rss = rssBytes() - rssBefore;
            System.out.printf("| %s | %s | %.1f | %.1f |%n", name,
                    engine.weightBytes() < 0 ? "n/a" : String.format("%.1f", engine.weightBytes() / 1048576.0),
                    heap / 1048576.0, rss / 1048576.0);
        }
    }

    private static void loop(String name, String shape, double seconds) throws Exception {
        try (Engine engine = Engine.open(name, BenchModels.batch(shape), 2)) {
            java.util.List<Double> ms = new java.util.ArrayList<>();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                engine.forward();
                ms.add((System.nanoTime() - start) / 1e6);
            }
            double[] late = ms.subList(ms.size() / 2, ms.size()).stream().mapToDouble(Double::doubleValue).toArray();
            System.out.printf("%s %s: %d passes, median of the second half %.2f ms%n", name, shape, ms.size(),
                    Summary.median(late));
        }
    }

    private static void agreement() throws Exception {
        TokenBatch batch = BenchModels.batch("8x128");
        float[][][] reference;
        try (Engine ort = Engine.open("onnxruntime-fp32", batch, 2)) {
            reference = ort.lastHiddenState();
        }
        for (String name : Engine.NAMES) {
            try (Engine engine = Engine.open(name, batch, 2)) {
                float[][][] states = engine.lastHiddenState();
                double min = 1;
                for (int i = 0; i < states.length; i++) {
                    min = Math.min(min, cosine(meanPool(reference[i]), meanPool(states[i])));
                }
                System.out.printf("| %s | %.5f |%n", name, min);
            }
        }
    }

    private static double[] meanPool(float[][] tokens) {
        double[] out = new double[tokens[0].length];
        for (float[] token : tokens) {
            for (int j = 0; j < out.length; j++) {
                out[j] += token[j];
            }
        }
        return out;
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static long heapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status (Linux only)");
    }
}

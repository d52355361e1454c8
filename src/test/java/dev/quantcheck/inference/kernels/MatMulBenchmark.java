package dev.quantcheck.inference.kernels;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.HalfFloats;
import dev.quantcheck.inference.LinearWeight;
import dev.quantcheck.inference.MatMul;
import dev.quantcheck.inference.WorkerPool;
import dev.quantcheck.inference.weights.AffineWeight;
import dev.quantcheck.inference.weights.F32Weight;
import dev.quantcheck.inference.weights.HalfWeight;
import dev.quantcheck.quantization.AffineQuantizer;
import dev.quantcheck.quantization.DTypeCast;

import java.util.Random;

/**
 * A quick timing harness (not JMH, about +-15%) for the MiniLM matmul shapes: M=128 tokens, K=384 N=1536 and
 * K=1536 N=384, fp32 and affine q4/q8 g64, scalar and vector kernels, 1 and 2 threads. Each kernel is checked
 * against {@link MatMul#reference} before it is timed.
 *
 * <pre>
 * mvn -o -q test-compile
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes \
 *     dev.quantcheck.inference.kernels.MatMulBenchmark [seconds-per-case [kernel-name-prefix [M [K N]]]]
 * </pre>
 */
public final class MatMulBenchmark {
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        String only = args.length > 1 ? args[1] : "";
        System.out.println("java " + System.getProperty("java.version") + ", vector available: "
                + KernelProvider.vectorAvailable());
        int m = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int[][] shapes = args.length > 4
                ? new int[][] {{Integer.parseInt(args[3]), Integer.parseInt(args[4])}}
                : new int[][] {{384, 1536}, {1536, 384}};
        for (int[] shape : shapes) {
            int k = shape[0];
            int n = shape[1];
            Random random = new Random(1);
            float[] x = gaussian(random, m * k, 1.0 / Math.sqrt(k));
            float[] wf = DTypeCast.round(gaussian(random, n * k, 1.0 / Math.sqrt(k)), DType.F16);
            short[] f16 = new short[wf.length];
            short[] bf16 = new short[wf.length];
            for (int i = 0; i < wf.length; i++) {
                f16[i] = HalfFloats.floatToF16(wf[i]);
                bf16[i] = HalfFloats.floatToBf16(wf[i]);
            }
            LinearWeight[] weights = {
                    F32Weight.of(wf, n, k),
                    HalfWeight.of(f16, n, k, DType.F16),
                    HalfWeight.of(bf16, n, k, DType.BF16),
                    AffineWeight.of(AffineQuantizer.quantize(wf, n, k, 4, 64, DType.F16)),
                    AffineWeight.of(AffineQuantizer.quantize(wf, n, k, 8, 64, DType.F16)),
            };
            for (LinearWeight w : weights) {
                float[] expected = MatMul.reference(x, m, w, null);
                for (Kernels kernels : new Kernels[] {KernelProvider.scalar(), KernelProvider.vector().orElse(null)}) {
                    if (kernels == null || (!only.isEmpty() && !kernels.name().startsWith(only))) {
                        continue;
                    }
                    for (int threads : new int[] {1, 2}) {
                        try (WorkerPool pool = new WorkerPool(threads)) {
                            MatMul mm = new MatMul(kernels, pool);
                            float[] y = new float[m * n];
                            mm.forward(x, m, w, null, y);
                            double err = maxDiff(expected, y);
                            if (err > 1e-3) {
                                throw new AssertionError(kernels.name() + " " + w.storage() + " off by " + err);
                            }
                            double ms = time(() -> mm.forward(x, m, w, null, y), seconds);
                            double gflops = 2.0 * m * n * k / (ms * 1e6);
                            System.out.printf("M=%d K=%4d N=%4d %-28s %-16s threads=%d  %7.3f ms  %6.1f GFLOP/s%n",
                                    m, k, n, w.storage(), kernels.name(), threads, ms, gflops);
                        }
                    }
                }
            }
            // the pieces: panel decode alone and the micro-kernel alone, one thread
            for (Kernels kernels : new Kernels[] {KernelProvider.scalar(), KernelProvider.vector().orElse(null)}) {
                if (kernels == null || (!only.isEmpty() && !kernels.name().startsWith(only))) {
                    continue;
                }
                float[] panel = new float[MatMul.PANEL_ROWS * k];
                float[] y = new float[m * n];
                for (LinearWeight w : weights) {
                    double ms = time(() -> {
                        for (int row0 = 0; row0 < n; row0 += MatMul.PANEL_ROWS) {
                            w.decodePanel(row0, MatMul.PANEL_ROWS, panel, kernels);
                        }
                    }, seconds / 2);
                    System.out.printf("  decode all panels %-28s %-16s %7.3f ms  %5.2f ns/weight%n", w.storage(),
                            kernels.name(), ms, ms * 1e6 / ((double) n * k));
                }
                weights[0].decodePanel(0, MatMul.PANEL_ROWS, panel, kernels);
                double ms = time(() -> {
                    for (int row0 = 0; row0 < n; row0 += MatMul.PANEL_ROWS) {
                        kernels.gemmPanel(x, m, k, panel, MatMul.PANEL_ROWS, y, n, row0);
                    }
                }, seconds / 2);
                System.out.printf("  gemmPanel only %-16s %7.3f ms  %6.1f GFLOP/s%n", kernels.name(), ms,
                        2.0 * m * n * k / (ms * 1e6));
            }
        }
    }

    static double time(Runnable r, double seconds) {
        for (int i = 0; i < 5; i++) {
            r.run();
        }
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        int runs = 0;
        double best = Double.MAX_VALUE;
        while (System.nanoTime() - start < budget || runs < 5) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            runs++;
        }
        return best;
    }

    static float[] gaussian(Random random, int count, double sigma) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (random.nextGaussian() * sigma);
        }
        return v;
    }

    static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}

package dev.quantcheck.inference;

import dev.quantcheck.inference.kernels.Kernels;

import java.util.Arrays;

/**
 * {@code y[m][n] = sum_k x[m][k] * W[n][k] + bias[n]} on a resident {@link LinearWeight}: the output rows are cut
 * into panels of {@link #PANEL_ROWS}, spread over the pool's threads in contiguous runs; each worker decodes one
 * panel at a time into its own scratch ({@code PANEL_ROWS * K} floats, never a float copy of W) and runs
 * {@link Kernels#gemmPanel} over all m tokens. For affine weights the panel holds {@code scale * q} and the
 * bias part is a second, tiny GEMM: {@code sum_g bias[n][g] * X[m][g]} with {@code X[m][g]} the group sums of x,
 * computed once per call (MLX's own arithmetic; see docs/cpu-kernels.md 2.4).
 *
 * <p>Thread-safe: calls from several threads are serialised by the pool (the scratch is per worker).
 */
public final class MatMul {
    /** Output rows per panel: four 16-row tiles, the width of the 6x64 micro-kernel. */
    public static final int PANEL_ROWS = 64;

    private final Kernels kernels;
    private final WorkerPool pool;
    private final float[][] panels;
    private final float[][] biasPanels;

    public MatMul(Kernels kernels, WorkerPool pool) {
        this.kernels = kernels;
        this.pool = pool;
        this.panels = new float[pool.threads()][];
        this.biasPanels = new float[pool.threads()][];
    }

    public Kernels kernels() {
        return kernels;
    }

    public WorkerPool pool() {
        return pool;
    }

    /**
     * Overwrites {@code y[0, m*rows)} (row-major {@code [m, rows]}) with {@code x W^T + bias}; y must not overlap x.
     *
     * @param x    row-major {@code [m, cols]}
     * @param bias {@code rows} values, or null
     */
    public void forward(float[] x, int m, LinearWeight w, float[] bias, float[] y) {
        int n = w.rows();
        int k = w.cols();
        check(x, m, w, bias);
        if (y.length < (long) m * n) {
            throw new IllegalArgumentException("y has " + y.length + " floats, needs " + (long) m * n);
        }
        if (m == 0 || n == 0) {
            return;
        }
        int groupSize = w.biasGroupSize();
        int groups = groupSize > 0 ? k / groupSize : 0;
        float[] groupSums = groups > 0 ? groupSums(x, m, k, groupSize) : null;
        int panelCount = (n + PANEL_ROWS - 1) / PANEL_ROWS;
        pool.parallelFor(panelCount, (start, end, worker) -> {
            float[] panel = scratch(panels, worker, PANEL_ROWS * k);
            float[] biasPanel = groups > 0 ? scratch(biasPanels, worker, PANEL_ROWS * groups) : null;
            for (int p = start; p < end; p++) {
                int row0 = p * PANEL_ROWS;
                int count = Math.min(PANEL_ROWS, n - row0);
                for (int i = 0; i < m; i++) {
                    if (bias == null) {
                        Arrays.fill(y, i * n + row0, i * n + row0 + count, 0f);
                    } else {
                        System.arraycopy(bias, row0, y, i * n + row0, count);
                    }
                }
                if (groups > 0) {
                    for (int g = 0; g < groups; g++) {
                        for (int j = 0; j < count; j++) {
                            biasPanel[g * count + j] = w.groupBias(row0 + j, g);
                        }
                    }
                    kernels.gemmPanel(groupSums, m, groups, biasPanel, count, y, n, row0);
                }
                w.decodePanel(row0, count, panel, kernels);
                kernels.gemmPanel(x, m, k, panel, count, y, n, row0);
            }
        });
    }

    /** {@code X[i][g] = sum of x[i][g*groupSize, (g+1)*groupSize)}, row-major {@code [m, k/groupSize]}. */
    private float[] groupSums(float[] x, int m, int k, int groupSize) {
        int groups = k / groupSize;
        float[] sums = new float[m * groups];
        for (int i = 0; i < m; i++) {
            for (int g = 0; g < groups; g++) {
                sums[i * groups + g] = kernels.sum(x, i * k + g * groupSize, groupSize);
            }
        }
        return sums;
    }

    private static float[] scratch(float[][] perWorker, int worker, int size) {
        float[] s = perWorker[worker];
        if (s == null || s.length < size) {
            s = new float[size];
            perWorker[worker] = s;
        }
        return s;
    }

    /**
     * The oracle: W row by row through {@link LinearWeight#decodeRow} (bias part included), naive loops with
     * double accumulators. Returns a new {@code [m, rows]} array.
     */
    public static float[] reference(float[] x, int m, LinearWeight w, float[] bias) {
        check(x, m, w, bias);
        int n = w.rows();
        int k = w.cols();
        float[] y = new float[m * n];
        float[] row = new float[k];
        for (int j = 0; j < n; j++) {
            w.decodeRow(j, row, 0);
            for (int i = 0; i < m; i++) {
                double s = bias == null ? 0 : bias[j];
                for (int kk = 0; kk < k; kk++) {
                    s += (double) x[i * k + kk] * row[kk];
                }
                y[i * n + j] = (float) s;
            }
        }
        return y;
    }

    private static void check(float[] x, int m, LinearWeight w, float[] bias) {
        if (m < 0 || x.length < (long) m * w.cols()) {
            throw new IllegalArgumentException("x has " + x.length + " floats, needs " + (long) m * w.cols()
                    + " (" + m + " x " + w.cols() + ")");
        }
        if (bias != null && bias.length < w.rows()) {
            throw new IllegalArgumentException("bias has " + bias.length + " floats, needs " + w.rows());
        }
    }
}

package dev.quantcheck.inference;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.HalfFloats;
import dev.quantcheck.inference.kernels.KernelProvider;
import dev.quantcheck.inference.kernels.Kernels;
import dev.quantcheck.inference.weights.AffineWeight;
import dev.quantcheck.inference.weights.F32Weight;
import dev.quantcheck.inference.weights.FpWeight;
import dev.quantcheck.inference.weights.HalfWeight;
import dev.quantcheck.quantization.AffineQuantizer;
import dev.quantcheck.quantization.DTypeCast;
import dev.quantcheck.quantization.FpQuantizedTensor;
import dev.quantcheck.quantization.FpQuantizer;
import dev.quantcheck.quantization.QuantizationMode;
import dev.quantcheck.quantization.QuantizedTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MatMul.forward on every weight type against MatMul.reference (decodeRow + double loops) and against "dequantize
 * with the quantization package, then a naive fp32 matmul", with x and w ~ N(0,1)/sqrt(K): max |diff| <= 1e-3
 * (MLX's bound; the real differences are ~1e-6). Both kernels, 1 and 2 threads, awkward M and N.
 */
class MatMulTest {
    static final int[] MS = {1, 3, 17, 128};
    static final int K = 384;
    /** Not a multiple of the 64-row panel, nor of the 16-row tile. */
    static final int N = 150;
    static WorkerPool one;
    static WorkerPool two;
    final SplittableRandom random = new SplittableRandom(5);

    @BeforeAll
    static void pools() {
        one = new WorkerPool(1);
        two = new WorkerPool(2);
    }

    @AfterAll
    static void closePools() {
        one.close();
        two.close();
    }

    static List<MatMul> matMuls() {
        List<MatMul> list = new ArrayList<>();
        list.add(new MatMul(KernelProvider.scalar(), one));
        list.add(new MatMul(KernelProvider.scalar(), two));
        KernelProvider.vector().ifPresent(v -> {
            list.add(new MatMul(v, one));
            list.add(new MatMul(v, two));
        });
        return list;
    }

    float[] gaussian(int count, double sigma) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            double u = 1.0 - random.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()) * sigma);
        }
        return v;
    }

    /** y = x W^T + bias, in float, the obvious loop: the fp32 matmul of the brief. */
    static float[] naive(float[] x, int m, float[] w, int n, int k, float[] bias) {
        float[] y = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = bias == null ? 0 : bias[j];
                for (int kk = 0; kk < k; kk++) {
                    s += x[i * k + kk] * w[j * k + kk];
                }
                y[i * n + j] = s;
            }
        }
        return y;
    }

    static double maxDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs((double) a[i] - b[i]));
            if (Float.isNaN(a[i]) || Float.isNaN(b[i])) {
                return Double.NaN;
            }
        }
        return d;
    }

    /** Every MatMul and M against the reference and against the dequantized fp32 matmul. */
    void check(LinearWeight w, float[] dequantized, String what) {
        for (int m : MS) {
            float[] x = gaussian(m * w.cols(), 1 / Math.sqrt(w.cols()));
            float[] bias = m == 3 ? null : gaussian(w.rows(), 0.1);
            float[] reference = MatMul.reference(x, m, w, bias);
            float[] fp32 = naive(x, m, dequantized, w.rows(), w.cols(), bias);
            assertThat(maxDiff(reference, fp32)).as("%s m=%d: reference vs dequantize+fp32", what, m)
                    .isLessThanOrEqualTo(1e-3);
            for (MatMul mm : matMuls()) {
                float[] y = new float[m * w.rows()];
                java.util.Arrays.fill(y, Float.NaN); // forward overwrites
                mm.forward(x, m, w, bias, y);
                String as = what + " m=" + m + " " + mm.kernels().name() + " threads=" + mm.pool().threads();
                assertThat(maxDiff(y, reference)).as("%s vs reference", as).isLessThanOrEqualTo(1e-3);
                assertThat(maxDiff(y, fp32)).as("%s vs dequantize+fp32", as).isLessThanOrEqualTo(1e-3);
                assertThat(maxDiff(y, reference)).as("%s: really close", as).isLessThanOrEqualTo(2e-5);
            }
        }
    }

    @Test
    void affineEveryBitsAndGroupSize() {
        for (int bits : new int[] {2, 3, 4, 5, 6, 8}) {
            for (int groupSize : new int[] {32, 64, 128}) {
                float[] wf = DTypeCast.round(gaussian(N * K, 1 / Math.sqrt(K)), DType.F16);
                QuantizedTensor q = AffineQuantizer.quantize(wf, N, K, bits, groupSize, DType.F16);
                AffineWeight w = AffineWeight.of(q);
                assertThat(w.residentBytes()).isEqualTo((long) N * K * bits / 8 + 2L * 2 * N * (K / groupSize));
                check(w, AffineQuantizer.dequantize(q), "affine " + bits + "-bit g" + groupSize);
            }
        }
    }

    @Test
    void affineWithFloat32AndBfloat16Scales() {
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            float[] wf = DTypeCast.round(gaussian(N * K, 1 / Math.sqrt(K)), dtype);
            QuantizedTensor q = AffineQuantizer.quantize(wf, N, K, 4, 64, dtype);
            AffineWeight w = AffineWeight.of(q);
            assertThat(w.storage()).contains(dtype.fileName());
            check(w, AffineQuantizer.dequantize(q), "affine 4-bit " + dtype);
        }
    }

    @Test
    void float32() {
        float[] wf = gaussian(N * K, 1 / Math.sqrt(K));
        F32Weight w = F32Weight.of(wf, N, K);
        assertThat(w.residentBytes()).isEqualTo(4L * N * K);
        check(w, wf, "F32");
    }

    @Test
    void halfFloatsDecodeExactlyAndMultiplyLikeTheirFloat32Values() {
        for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
            float[] wf = gaussian(N * K, 1 / Math.sqrt(K));
            short[] bits = new short[wf.length];
            float[] decoded = new float[wf.length];
            for (int i = 0; i < wf.length; i++) {
                bits[i] = dtype == DType.F16 ? HalfFloats.floatToF16(wf[i]) : HalfFloats.floatToBf16(wf[i]);
                decoded[i] = dtype == DType.F16 ? HalfFloats.f16ToFloat(bits[i]) : HalfFloats.bf16ToFloat(bits[i]);
            }
            HalfWeight w = HalfWeight.of(bits, N, K, dtype);
            assertThat(w.residentBytes()).isEqualTo(2L * N * K);
            float[] row = new float[K];
            for (int r = 0; r < N; r++) {
                w.decodeRow(r, row, 0);
                assertThat(row).containsExactly(java.util.Arrays.copyOfRange(decoded, r * K, (r + 1) * K));
            }
            check(w, decoded, dtype.fileName());
            // the same panels as the float32 weight of the decoded values, so the same bits out
            F32Weight same = F32Weight.of(decoded, N, K);
            float[] x = gaussian(17 * K, 1 / Math.sqrt(K));
            for (MatMul mm : matMuls()) {
                float[] a = new float[17 * N];
                float[] b = new float[17 * N];
                mm.forward(x, 17, w, null, a);
                mm.forward(x, 17, same, null, b);
                assertThat(a).containsExactly(b);
            }
        }
    }

    @Test
    void fpModes() {
        Object[][] cases = {{QuantizationMode.MXFP4, null}, {QuantizationMode.MXFP8, null},
                {QuantizationMode.NVFP4, null}, {QuantizationMode.NVFP4, 0.75f}};
        for (Object[] c : cases) {
            QuantizationMode mode = (QuantizationMode) c[0];
            Float global = (Float) c[1];
            float[] wf = gaussian(N * K, 1 / Math.sqrt(K));
            FpQuantizedTensor q = FpQuantizer.quantize(wf, N, K, mode, mode.defaultBits(), mode.defaultGroupSize(),
                    global);
            FpWeight w = FpWeight.of(q);
            assertThat(w.biasGroupSize()).isZero();
            assertThat(w.residentBytes()).isEqualTo((long) N * K * mode.defaultBits() / 8
                    + (long) N * K / mode.defaultGroupSize() + (global == null ? 0 : 4));
            float[] dequantized = FpQuantizer.dequantize(q);
            float[] row = new float[K];
            for (int r = 0; r < N; r++) {
                w.decodeRow(r, row, 0);
                assertThat(row).containsExactly(java.util.Arrays.copyOfRange(dequantized, r * K, (r + 1) * K));
            }
            check(w, dequantized, mode.configName() + (global == null ? "" : " global " + global));
        }
    }

    @Test
    void aMatrixSmallerThanOnePanelAndATileAndANoBiasedShape() {
        float[] wf = DTypeCast.round(gaussian(5 * 64, 0.125), DType.F16);
        QuantizedTensor q = AffineQuantizer.quantize(wf, 5, 64, 3, 32, DType.F16);
        check(AffineWeight.of(q), AffineQuantizer.dequantize(q), "5x64 affine 3-bit");
        float[] wide = gaussian(1000 * 32, 1 / Math.sqrt(32));
        check(F32Weight.of(wide, 1000, 32), wide, "1000x32 F32");
    }

    @Test
    void shapesAreChecked() {
        MatMul mm = new MatMul(KernelProvider.scalar(), one);
        F32Weight w = F32Weight.of(new float[4 * 8], 4, 8);
        assertThatThrownBy(() -> mm.forward(new float[15], 2, w, null, new float[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x has 15 floats, needs 16");
        assertThatThrownBy(() -> mm.forward(new float[16], 2, w, null, new float[7]))
                .hasMessageContaining("y has 7 floats");
        assertThatThrownBy(() -> mm.forward(new float[16], 2, w, new float[3], new float[8]))
                .hasMessageContaining("bias has 3 floats");
        float[] y = {1, 2};
        mm.forward(new float[0], 0, w, null, y);
        assertThat(y).containsExactly(1, 2);
    }

    @Test
    void theDefaultKernelsAreTheProvidersChoice() {
        Kernels k = KernelProvider.kernels();
        assertThat(new MatMul(k, one).kernels()).isSameAs(k);
    }
}

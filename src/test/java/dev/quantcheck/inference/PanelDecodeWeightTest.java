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
import dev.quantcheck.quantization.FpQuantizedTensor;
import dev.quantcheck.quantization.FpQuantizer;
import dev.quantcheck.quantization.QuantizationMode;
import dev.quantcheck.quantization.QuantizedTensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * decodePanel of every weight class, for panels that start inside a tile, end inside one, or cover the ragged last
 * tile, with both kernels: exactly {@code scale * q} (affine) or the weight itself, K-major.
 */
class PanelDecodeWeightTest {
    static final int ROWS = 45;
    static final int COLS = 256;
    final SplittableRandom random = new SplittableRandom(9);

    float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** The weight and its expected W' (row-major) */
    record Case(LinearWeight weight, float[] panelValues) {
    }

    List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        float[] wf = values(ROWS * COLS);
        cases.add(new Case(F32Weight.of(wf, ROWS, COLS), wf));
        for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
            short[] bits = new short[wf.length];
            float[] decoded = new float[wf.length];
            for (int i = 0; i < wf.length; i++) {
                bits[i] = dtype == DType.F16 ? HalfFloats.floatToF16(wf[i]) : HalfFloats.floatToBf16(wf[i]);
                decoded[i] = dtype == DType.F16 ? HalfFloats.f16ToFloat(bits[i]) : HalfFloats.bf16ToFloat(bits[i]);
            }
            cases.add(new Case(HalfWeight.of(bits, ROWS, COLS, dtype), decoded));
        }
        for (int bits : new int[] {2, 3, 4, 5, 6, 8}) {
            QuantizedTensor q = AffineQuantizer.quantize(dev.quantcheck.quantization.DTypeCast.round(wf, DType.F16),
                    ROWS, COLS, bits, 32, DType.F16);
            float[] sq = new float[ROWS * COLS];
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLS; c++) {
                    sq[r * COLS + c] = q.scale(r, c / 32) * q.code(r, c);
                }
            }
            cases.add(new Case(AffineWeight.of(q), sq));
        }
        for (QuantizationMode mode : new QuantizationMode[] {QuantizationMode.MXFP4, QuantizationMode.MXFP8,
                QuantizationMode.NVFP4}) {
            FpQuantizedTensor q = FpQuantizer.quantize(wf, ROWS, COLS, mode);
            cases.add(new Case(FpWeight.of(q), FpQuantizer.dequantize(q)));
        }
        return cases;
    }

    @Test
    void panelsAnywhereHoldExactlyTheWeightWithoutItsGroupBias() {
        List<Kernels> kernels = new ArrayList<>(List.of(KernelProvider.scalar()));
        KernelProvider.vector().ifPresent(kernels::add);
        int[][] ranges = {{0, 45}, {0, 16}, {16, 16}, {3, 20}, {32, 13}, {44, 1}, {7, 0}, {0, 29}, {16, 29}};
        for (Case c : cases()) {
            for (Kernels k : kernels) {
                for (int[] range : ranges) {
                    int row0 = range[0];
                    int count = range[1];
                    float[] panel = new float[count * COLS + 3];
                    panel[count * COLS] = 42f;
                    c.weight().decodePanel(row0, count, panel, k);
                    for (int kk = 0; kk < COLS; kk++) {
                        for (int j = 0; j < count; j++) {
                            float expected = c.panelValues()[(row0 + j) * COLS + kk];
                            if (panel[kk * count + j] != expected) {
                                assertThat(panel[kk * count + j]).as("%s %s rows [%d, +%d) at [%d][%d]",
                                        c.weight().storage(), k.name(), row0, count, kk, j).isEqualTo(expected);
                            }
                        }
                    }
                    assertThat(panel[count * COLS]).as("nothing written past the panel").isEqualTo(42f);
                }
            }
        }
    }

    @Test
    void panelsOutsideTheMatrixAreRejected() {
        LinearWeight w = cases().get(0).weight();
        assertThatThrownBy(() -> w.decodePanel(40, 6, new float[6 * COLS]))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("rows [40, 46) of 45");
        assertThatThrownBy(() -> w.decodeRow(45, new float[COLS], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.decodePanel(0, 2, new float[COLS]))
                .hasMessageContaining("needs " + 2 * COLS);
    }
}

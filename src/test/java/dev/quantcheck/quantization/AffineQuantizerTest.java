package dev.quantcheck.quantization;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.TensorBytes;
import dev.quantcheck.format.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips through the packed form and the stored bytes, the row accessors, and input validation. */
class AffineQuantizerTest {
    private static final int ROWS = 6;
    private static final int COLS = 256;

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void everyWidthAndGroupSizeRoundTripsThroughWordsAndBytes(DType dtype) {
        float[] w = DTypeCast.round(AffineMlxPortedTest.normal(ROWS * COLS, 7), dtype);
        for (int bits : QuantizationMode.AFFINE.allowedBits()) {
            for (int gs : QuantizationMode.AFFINE.allowedGroupSizes()) {
                QuantizedTensor q = AffineQuantizer.quantize(w, ROWS, COLS, bits, gs, dtype);
                String label = dtype + " bits=" + bits + " gs=" + gs;

                // every packed code is the one the group's float32 parameters give
                for (int r = 0; r < ROWS; r++) {
                    for (int g = 0; g < COLS / gs; g++) {
                        AffineQuantizer.GroupParameters p =
                                AffineQuantizer.groupParameters(w, r * COLS + g * gs, gs, bits, Rounding.GPU);
                        assertThat(q.scale(r, g)).as(label).isEqualTo(DTypeCast.round(p.scale(), dtype));
                        assertThat(q.bias(r, g)).as(label).isEqualTo(DTypeCast.round(p.bias(), dtype));
                        for (int i = 0; i < gs; i++) {
                            int col = g * gs + i;
                            assertThat(q.code(r, col)).as(label)
                                    .isEqualTo(AffineQuantizer.code(w[r * COLS + col], p, bits, Rounding.GPU));
                        }
                    }
                }

                // the bytes MLX would store decode back to the same tensor
                QuantizedTensor reread = new QuantizedTensor(ROWS, COLS, bits, gs, dtype,
                        TensorBytes.toInts(info(DType.U32, q.words().length), q.wordBytes()),
                        TensorBytes.toFloats(info(dtype, q.scales().length), q.scaleBytes(), Path.of("scales")),
                        TensorBytes.toFloats(info(dtype, q.biases().length), q.biasBytes(), Path.of("biases")));
                assertThat(reread).as(label).isEqualTo(q);
                assertThat(q.scaleBytes().remaining()).isEqualTo(q.scales().length * dtype.itemSize());

                // dequantize, row by row and whole, agree and stay near the input
                float[] whole = AffineQuantizer.dequantize(q);
                float[] row = new float[COLS];
                for (int r = 0; r < ROWS; r++) {
                    q.dequantizeRow(r, row);
                    for (int c = 0; c < COLS; c++) {
                        assertThat(row[c]).isEqualTo(whole[r * COLS + c]);
                        float scale = q.scale(r, c / gs);
                        assertThat(row[c]).isEqualTo(scale * q.code(r, c) + q.bias(r, c / gs));
                        // section 7: 16-bit scales and biases add about 4u(n_bins*|s| + |b|)
                        double u = dtype == DType.F32 ? 0 : dtype == DType.F16 ? 0x1p-11 : 0x1p-8;
                        double slack = 1e-6 + 4 * u * (((1 << bits) - 1) * Math.abs(scale)
                                + Math.abs(q.bias(r, c / gs)));
                        assertThat((double) Math.abs(row[c] - w[r * COLS + c])).as(label)
                                .isLessThanOrEqualTo(Math.abs(scale) + slack);
                    }
                }
            }
        }
    }

    @Test
    void wordsAreLittleEndianUint32InTheWeightTensor() {
        float[] w = new float[32];
        for (int i = 0; i < 8; i++) {
            w[i] = i;
        }
        QuantizedTensor q = AffineQuantizer.quantize(w, 1, 32, 4, 32, DType.F32);
        ByteBuffer bytes = q.wordBytes().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(16);
        assertThat(bytes.getInt(0)).isEqualTo(q.words()[0]);
        assertThat(bytes.get(0) & 0x0F).isEqualTo(q.code(0, 0));
        assertThat((bytes.get(0) >>> 4) & 0x0F).isEqualTo(q.code(0, 1));
    }

    @Test
    void defaultRoundingIsGpu() {
        float[] group = new float[32];
        group[0] = -5f;
        group[1] = 1f;
        assertThat(AffineQuantizer.quantize(group, 1, 32, 2, 32, DType.F32))
                .isEqualTo(AffineQuantizer.quantize(group, 1, 32, 2, 32, DType.F32, Rounding.GPU))
                .isNotEqualTo(AffineQuantizer.quantize(group, 1, 32, 2, 32, DType.F32, Rounding.CPU));
    }

    @Test
    void rejectsUnsupportedBitsGroupSizesAndShapes() {
        float[] w = new float[2 * 128];
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AffineQuantizer.quantize(w, 2, 128, 7, 64, DType.F16))
                .withMessage("bits 7 is not supported by affine quantization; use one of [2, 3, 4, 5, 6, 8]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AffineQuantizer.quantize(w, 2, 128, 4, 48, DType.F16))
                .withMessage("group size 48 is not supported by affine quantization; use one of [32, 64, 128]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AffineQuantizer.quantize(new float[200], 2, 100, 4, 64, DType.F16))
                .withMessage("last dimension 100 is not divisible by group size 64");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AffineQuantizer.quantize(w, 3, 128, 4, 64, DType.F16))
                .withMessage("shape [3, 128] needs 384 weights, got 256");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AffineQuantizer.quantize(w, 2, 128, 4, 64, DType.U8))
                .withMessage("scale dtype U8 is not supported; use F32, F16 or BF16");
    }

    @Test
    void rejectsWeightsNotCastToTheScaleDtypeOrNotFinite() {
        float[] w = new float[64];
        w[37] = 0.1f;
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AffineQuantizer.quantize(w, 1, 64, 4, 64, DType.F16))
                .withMessageStartingWith("weight [0, 37] = 0.1 is not representable in F16");
        assertThat(AffineQuantizer.quantize(DTypeCast.round(w, DType.F16), 1, 64, 4, 64, DType.F16)).isNotNull();
        w[37] = Float.NaN;
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AffineQuantizer.quantize(w, 1, 64, 4, 64, DType.F32))
                .withMessage("weight [0, 37] is NaN; only finite weights can be quantized");
    }

    @Test
    void tensorRecordChecksItsArrays() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new QuantizedTensor(1, 64, 4, 64, DType.F16, new int[7], new float[1], new float[1]))
                .withMessage("words has 7 elements, expected 8");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new QuantizedTensor(1, 64, 4, 64, DType.F16, new int[8], new float[] {0.1f},
                        new float[1]))
                .withMessageContaining("not a F16 value");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new QuantizedTensor(1, 64, 7, 64, DType.F16, new int[14], new float[1], new float[1]))
                .withMessageContaining("bits 7");
        QuantizedTensor q = new QuantizedTensor(1, 64, 4, 64, DType.F16, new int[8], new float[1], new float[1]);
        assertThatThrownBy(() -> q.dequantizeRow(1, new float[64])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(q.toString()).isEqualTo("QuantizedTensor[affine 1x64, bits=4, groupSize=64, dtype=F16]");
    }

    @Test
    void dtypeCastRoundsToNearestEven() {
        // 1 + 2^-11 is halfway between F16 1 and 1 + 2^-10: ties to the even 1
        assertThat(DTypeCast.round(1f + 0x1p-11f, DType.F16)).isEqualTo(1f);
        assertThat(DTypeCast.round(1f + 3 * 0x1p-11f, DType.F16)).isEqualTo(1f + 0x1p-9f);
        // BF16 keeps 8 significant bits
        assertThat(DTypeCast.round(1f + 0x1p-8f, DType.BF16)).isEqualTo(1f);
        assertThat(DTypeCast.round(0.1f, DType.F32)).isEqualTo(0.1f);
        assertThat(DTypeCast.isExact(Float.NaN, DType.F32)).isFalse();
    }

    private static TensorInfo info(DType dtype, int count) {
        return new TensorInfo("t", dtype, new long[] {count}, 0, (long) count * dtype.itemSize());
    }
}

package dev.quantcheck.inference.weights;

import dev.quantcheck.format.DType;
import dev.quantcheck.inference.kernels.Kernels;
import dev.quantcheck.inference.kernels.TiledCodes;
import dev.quantcheck.quantization.BitPacking;
import dev.quantcheck.quantization.QuantizationMode;
import dev.quantcheck.quantization.QuantizedTensor;

import java.nio.ByteBuffer;

import static dev.quantcheck.inference.kernels.TiledCodes.TILE;

/**
 * An MLX affine-quantized weight ({@code W = scale * q + bias} per group along K), kept packed: the codes
 * reordered into {@link TiledCodes} (exactly MLX's bytes, no wider), scales and biases in their stored dtype.
 * Panels hold {@code scale * q}; the matmul adds {@code sum_g bias[n][g] * X[m][g]}.
 */
public final class AffineWeight extends TiledWeight {
    private final int bits;
    private final int groupSize;
    private final int groups;
    private final byte[] codes;
    private final StoredFloats scales;
    private final StoredFloats biases;

    private AffineWeight(int rows, int cols, int bits, int groupSize, byte[] codes, StoredFloats scales,
                         StoredFloats biases) {
        super(rows, cols);
        this.bits = bits;
        this.groupSize = groupSize;
        this.groups = cols / groupSize;
        this.codes = codes;
        this.scales = scales;
        this.biases = biases;
    }

    /** From a {@link QuantizedTensor} (the codes are repacked; scales and biases stored in its dtype). */
    public static AffineWeight of(QuantizedTensor t) {
        int wordsPerRow = t.wordsPerRow();
        byte[] codes = TiledCodes.pack(t.rows(), t.cols(), t.bits(), (row, out) -> {
            for (int c = 0; c < out.length; c++) {
                out[c] = BitPacking.codeAt(t.words(), row * wordsPerRow, c, t.bits());
            }
        });
        return new AffineWeight(t.rows(), t.cols(), t.bits(), t.groupSize(), codes,
                StoredFloats.of(t.scales(), t.dtype()), StoredFloats.of(t.biases(), t.dtype()));
    }

    /**
     * From the little-endian bytes of MLX's tensors: {@code weight} U32 {@code [rows, cols*bits/32]},
     * {@code scales} and {@code biases} of {@code scaleType} {@code [rows, cols/groupSize]}.
     */
    public static AffineWeight fromMlx(int rows, int cols, int bits, int groupSize, ByteBuffer weight,
                                       DType scaleType, ByteBuffer scales, ByteBuffer biases) {
        QuantizationMode.AFFINE.requireSupported(bits, groupSize);
        if (cols % groupSize != 0) {
            throw new IllegalArgumentException("cols " + cols + " is not a multiple of group size " + groupSize);
        }
        byte[] codes = TiledCodes.pack(rows, cols, bits, new MlxRows(weight, rows, cols, bits));
        int count = rows * (cols / groupSize);
        return new AffineWeight(rows, cols, bits, groupSize, codes, StoredFloats.fromBytes(scales, scaleType, count),
                StoredFloats.fromBytes(biases, scaleType, count));
    }

    public int bits() {
        return bits;
    }

    public int groupSize() {
        return groupSize;
    }

    @Override
    public long residentBytes() {
        return codes.length + scales.residentBytes() + biases.residentBytes();
    }

    @Override
    public int biasGroupSize() {
        return groupSize;
    }

    @Override
    public float groupBias(int row, int group) {
        return biases.get(row * groups + group);
    }

    /** The stored scale of group {@code group} of {@code row}, as a float. */
    public float groupScale(int row, int group) {
        return scales.get(row * groups + group);
    }

    @Override
    void decodeRowChecked(int row, float[] out, int offset) {
        for (int g = 0; g < groups; g++) {
            float s = scales.get(row * groups + g);
            float b = biases.get(row * groups + g);
            for (int k = g * groupSize; k < (g + 1) * groupSize; k++) {
                out[offset + k] = s * TiledCodes.code(codes, rows, cols, bits, row, k) + b;
            }
        }
    }

    @Override
    void decodeTile(int tileRow0, float[] panel, int col, int np, float[] scratch, Kernels kernels) {
        int tileStart = tileRow0 * cols / 8 * bits;
        int groupBytes = groupSize / 8 * TILE * bits;
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < TILE; j++) {
                scratch[j] = scales.get((tileRow0 + j) * groups + g);
            }
            kernels.unpackTile(codes, tileStart + g * groupBytes, bits, groupSize, scratch, panel,
                    g * groupSize * np + col, np);
        }
    }

    @Override
    float panelValue(int row, int col) {
        return scales.get(row * groups + col / groupSize) * TiledCodes.code(codes, rows, cols, bits, row, col);
    }

    @Override
    public String storage() {
        return "affine " + bits + "-bit g" + groupSize + " (" + scales.dtype().fileName() + " scales)";
    }

    /** Codes of one row of MLX's LSB-first uint32 stream, read from its little-endian bytes. */
    static final class MlxRows implements TiledCodes.RowSource {
        private final ByteBuffer bytes;
        private final int cols;
        private final int bits;
        private final int rowBytes;

        MlxRows(ByteBuffer bytes, int rows, int cols, int bits) {
            this.bytes = bytes.duplicate();
            this.cols = cols;
            this.bits = bits;
            this.rowBytes = cols / 8 * bits;
            if (this.bytes.remaining() != (long) rows * rowBytes) {
                throw new IllegalArgumentException(this.bytes.remaining() + " bytes of packed " + bits
                        + "-bit codes for " + rows + "x" + cols + "; expected " + (long) rows * rowBytes);
            }
        }

        @Override
        public void codes(int row, int[] out) {
            int base = bytes.position() + row * rowBytes;
            int mask = (1 << bits) - 1;
            for (int c = 0; c < cols; c++) {
                int bit = c * bits;
                int at = base + (bit >>> 3);
                int shift = bit & 7;
                int window = bytes.get(at) & 0xFF;
                if (shift + bits > 8) {
                    window |= (bytes.get(at + 1) & 0xFF) << 8;
                }
                out[c] = (window >>> shift) & mask;
            }
        }
    }
}

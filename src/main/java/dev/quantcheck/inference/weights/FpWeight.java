package dev.quantcheck.inference.weights;

import dev.quantcheck.inference.kernels.Kernels;
import dev.quantcheck.inference.kernels.TiledCodes;
import dev.quantcheck.quantization.BitPacking;
import dev.quantcheck.quantization.FpQuantizedTensor;
import dev.quantcheck.quantization.MiniFloats;
import dev.quantcheck.quantization.QuantizationMode;

import java.nio.ByteBuffer;

import static dev.quantcheck.inference.kernels.TiledCodes.TILE;

/**
 * A weight in one of MLX's floating-point modes (mxfp4, mxfp8, nvfp4), kept packed: E2M1/E4M3 codes in
 * {@link TiledCodes}, the uint8 scale codes as stored, nvfp4's optional float32 global scale. Values are
 * {@code scale(code) [* global_scale / (448*6)] * element(code)}, decoded with {@link MiniFloats}; no group biases.
 */
public final class FpWeight extends TiledWeight {
    private final QuantizationMode mode;
    private final int bits;
    private final int groupSize;
    private final int groups;
    private final byte[] codes;
    private final byte[] scaleCodes;
    private final Float globalScale;
    private final float[] elementValues;
    private final float[] scaleValues;

    private FpWeight(QuantizationMode mode, int rows, int cols, byte[] codes, byte[] scaleCodes, Float globalScale) {
        super(rows, cols);
        if (mode == QuantizationMode.AFFINE) {
            throw new IllegalArgumentException("affine is not a floating-point mode; use AffineWeight");
        }
        if (globalScale != null && mode != QuantizationMode.NVFP4) {
            throw new IllegalArgumentException("global_scale is only used by nvfp4, not " + mode.configName());
        }
        this.mode = mode;
        this.bits = mode.defaultBits();
        this.groupSize = mode.defaultGroupSize();
        if (cols % groupSize != 0) {
            throw new IllegalArgumentException("cols " + cols + " is not a multiple of group size " + groupSize);
        }
        this.groups = cols / groupSize;
        if (scaleCodes.length != (long) rows * groups) {
            throw new IllegalArgumentException(scaleCodes.length + " scale codes, expected " + (long) rows * groups);
        }
        this.codes = codes;
        this.scaleCodes = scaleCodes;
        this.globalScale = globalScale;
        this.elementValues = new float[1 << bits];
        for (int c = 0; c < elementValues.length; c++) {
            elementValues[c] = bits == 4 ? MiniFloats.e2m1Value(c) : MiniFloats.e4m3Value(c);
        }
        this.scaleValues = new float[256];
        for (int c = 0; c < 256; c++) {
            float s = mode == QuantizationMode.NVFP4 ? MiniFloats.e4m3Value(c) : MiniFloats.e8m0Value(c);
            if (globalScale != null) {
                s *= globalScale / (448f * 6f); // FpQuantizedTensor.groupScale's order of operations
            }
            scaleValues[c] = s;
        }
    }

    /** From an {@link FpQuantizedTensor} (codes repacked, scale codes copied). */
    public static FpWeight of(FpQuantizedTensor t) {
        int wordsPerRow = t.wordsPerRow();
        byte[] codes = TiledCodes.pack(t.rows(), t.cols(), t.bits(), (row, out) -> {
            for (int c = 0; c < out.length; c++) {
                out[c] = BitPacking.codeAt(t.words(), row * wordsPerRow, c, t.bits());
            }
        });
        return new FpWeight(t.mode(), t.rows(), t.cols(), codes, t.scales().clone(), t.globalScale());
    }

    /**
     * From the little-endian bytes of MLX's tensors: {@code weight} U32 {@code [rows, cols*bits/32]} and
     * {@code scales} U8 {@code [rows, cols/groupSize]}; {@code globalScale} null when absent.
     */
    public static FpWeight fromMlx(QuantizationMode mode, int rows, int cols, ByteBuffer weight, ByteBuffer scales,
                                   Float globalScale) {
        byte[] codes = TiledCodes.pack(rows, cols, mode.defaultBits(),
                new AffineWeight.MlxRows(weight, rows, cols, mode.defaultBits()));
        byte[] scaleCodes = new byte[scales.remaining()];
        scales.duplicate().get(scaleCodes);
        return new FpWeight(mode, rows, cols, codes, scaleCodes, globalScale);
    }

    public QuantizationMode mode() {
        return mode;
    }

    @Override
    public long residentBytes() {
        return codes.length + scaleCodes.length + (globalScale == null ? 0 : 4);
    }

    private float scale(int row, int group) {
        return scaleValues[scaleCodes[row * groups + group] & 0xFF];
    }

    @Override
    void decodeRowChecked(int row, float[] out, int offset) {
        for (int k = 0; k < cols; k++) {
            out[offset + k] = panelValue(row, k);
        }
    }

    @Override
    void decodeTile(int tileRow0, float[] panel, int col, int np, float[] scratch, Kernels kernels) {
        int tileStart = tileRow0 * cols / 8 * bits;
        int logPerByte = bits == 4 ? 1 : 0; // two E2M1 codes or one E4M3 code per byte
        int mask = (1 << bits) - 1;
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < TILE; j++) {
                scratch[j] = scale(tileRow0 + j, g);
            }
            for (int k = g * groupSize; k < (g + 1) * groupSize; k++) {
                int u = k & 7;
                int in = tileStart + (k >>> 3) * TILE * bits + (u >>> logPerByte) * TILE;
                int shift = (u & logPerByte) * bits;
                int out = k * np + col;
                for (int j = 0; j < TILE; j++) {
                    panel[out + j] = scratch[j] * elementValues[((codes[in + j] & 0xFF) >>> shift) & mask];
                }
            }
        }
    }

    @Override
    float panelValue(int row, int col) {
        return scale(row, col / groupSize) * elementValues[TiledCodes.code(codes, rows, cols, bits, row, col)];
    }

    @Override
    public String storage() {
        return mode.configName() + (globalScale == null ? "" : " (global scale " + globalScale + ")");
    }
}

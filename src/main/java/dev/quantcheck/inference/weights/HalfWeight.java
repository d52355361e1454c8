package dev.quantcheck.inference.weights;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.HalfFloats;
import dev.quantcheck.inference.kernels.Kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

import static dev.quantcheck.inference.kernels.TiledCodes.TILE;

/** A float16 or bfloat16 weight, kept as 16-bit patterns ({@code short[]} in 16-row K-major tiles). */
public final class HalfWeight extends TiledWeight {
    private final DType dtype;
    private final short[] tiles;

    private HalfWeight(int rows, int cols, DType dtype) {
        super(rows, cols);
        if (dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("a half weight is F16 or BF16, not " + dtype.fileName());
        }
        this.dtype = dtype;
        this.tiles = new short[Math.multiplyExact(rows, cols)];
    }

    /** From row-major {@code [rows, cols]} 16-bit patterns of {@code dtype} (copied). */
    public static HalfWeight of(short[] bits, int rows, int cols, DType dtype) {
        if (bits.length != (long) rows * cols) {
            throw new IllegalArgumentException(bits.length + " values for a " + rows + "x" + cols + " weight");
        }
        HalfWeight w = new HalfWeight(rows, cols, dtype);
        w.tile((from, to) -> w.tiles[to] = bits[from]);
        return w;
    }

    /** From the little-endian bytes of an F16 or BF16 tensor {@code [rows, cols]}. */
    public static HalfWeight fromBytes(ByteBuffer bytes, int rows, int cols, DType dtype) {
        if (bytes.remaining() != (long) rows * cols * 2) {
            throw new IllegalArgumentException(bytes.remaining() + " bytes for a " + dtype.fileName() + " " + rows
                    + "x" + cols + " weight");
        }
        ShortBuffer shorts = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        HalfWeight w = new HalfWeight(rows, cols, dtype);
        w.tile((from, to) -> w.tiles[to] = shorts.get(from));
        return w;
    }

    public DType dtype() {
        return dtype;
    }

    @Override
    public long residentBytes() {
        return 2L * tiles.length;
    }

    private float value(short bits) {
        return dtype == DType.BF16 ? HalfFloats.bf16ToFloat(bits) : HalfFloats.f16ToFloat(bits);
    }

    @Override
    void decodeRowChecked(int row, float[] out, int offset) {
        for (int k = 0; k < cols; k++) {
            out[offset + k] = value(tiles[tiledIndex(row, k)]);
        }
    }

    @Override
    void decodeTile(int tileRow0, float[] panel, int col, int np, float[] scratch, Kernels kernels) {
        int in = tileRow0 * cols;
        int out = col;
        if (dtype == DType.BF16) {
            for (int k = 0; k < cols; k++, in += TILE, out += np) {
                kernels.bf16ToFloat(tiles, in, panel, out, TILE);
            }
        } else {
            for (int k = 0; k < cols; k++, in += TILE, out += np) {
                kernels.f16ToFloat(tiles, in, panel, out, TILE);
            }
        }
    }

    @Override
    float panelValue(int row, int col) {
        return value(tiles[tiledIndex(row, col)]);
    }

    @Override
    public String storage() {
        return dtype.fileName();
    }
}

package dev.quantcheck.inference.weights;

import dev.quantcheck.inference.kernels.Kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import static dev.quantcheck.inference.kernels.TiledCodes.TILE;

/** A float32 weight, held as one {@code float[]} in 16-row K-major tiles: a panel is a plain copy. */
public final class F32Weight extends TiledWeight {
    private final float[] tiles;

    private F32Weight(int rows, int cols) {
        super(rows, cols);
        this.tiles = new float[Math.multiplyExact(rows, cols)];
    }

    /** From a row-major {@code [rows, cols]} array (copied). */
    public static F32Weight of(float[] values, int rows, int cols) {
        if (values.length != (long) rows * cols) {
            throw new IllegalArgumentException(values.length + " values for a " + rows + "x" + cols + " weight");
        }
        F32Weight w = new F32Weight(rows, cols);
        w.tile((from, to) -> w.tiles[to] = values[from]);
        return w;
    }

    /** From the little-endian bytes of an F32 tensor {@code [rows, cols]}. */
    public static F32Weight fromBytes(ByteBuffer bytes, int rows, int cols) {
        if (bytes.remaining() != (long) rows * cols * 4) {
            throw new IllegalArgumentException(bytes.remaining() + " bytes for an F32 " + rows + "x" + cols + " weight");
        }
        FloatBuffer floats = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        F32Weight w = new F32Weight(rows, cols);
        w.tile((from, to) -> w.tiles[to] = floats.get(from));
        return w;
    }

    @Override
    public long residentBytes() {
        return 4L * tiles.length;
    }

    @Override
    void decodeRowChecked(int row, float[] out, int offset) {
        for (int k = 0; k < cols; k++) {
            out[offset + k] = tiles[tiledIndex(row, k)];
        }
    }

    @Override
    void decodeTile(int tileRow0, float[] panel, int col, int np, float[] scratch, Kernels kernels) {
        int in = tileRow0 * cols;
        int out = col;
        for (int k = 0; k < cols; k++, in += TILE, out += np) {
            System.arraycopy(tiles, in, panel, out, TILE);
        }
    }

    @Override
    float panelValue(int row, int col) {
        return tiles[tiledIndex(row, col)];
    }

    @Override
    public String storage() {
        return "F32";
    }
}

package dev.quantcheck.inference.weights;

import dev.quantcheck.inference.LinearWeight;
import dev.quantcheck.inference.kernels.KernelProvider;
import dev.quantcheck.inference.kernels.Kernels;

import static dev.quantcheck.inference.kernels.TiledCodes.TILE;

/**
 * The panel decoding shared by the weight classes, which all keep their rows in tiles of {@link
 * dev.quantcheck.inference.kernels.TiledCodes#TILE} rows: whole, aligned tiles go through the fast
 * {@link #decodeTile}; anything else (a panel that starts inside a tile, a last tile narrower than 16 rows) is
 * decoded element by element through {@link #panelValue}.
 */
abstract class TiledWeight implements LinearWeight {
    final int rows;
    final int cols;

    TiledWeight(int rows, int cols) {
        if (rows < 0 || cols <= 0) {
            throw new IllegalArgumentException("shape [" + rows + ", " + cols + "] is not a weight matrix");
        }
        this.rows = rows;
        this.cols = cols;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final void decodePanel(int row0, int count, float[] panel) {
        decodePanel(row0, count, panel, KernelProvider.scalar());
    }

    @Override
    public final void decodePanel(int row0, int count, float[] panel, Kernels kernels) {
        if (row0 < 0 || count < 0 || row0 + count > rows) {
            throw new IndexOutOfBoundsException("rows [" + row0 + ", " + (row0 + count) + ") of " + rows);
        }
        if (panel.length < (long) count * cols) {
            throw new IllegalArgumentException("panel has " + panel.length + " floats, needs " + count * cols);
        }
        float[] scratch = new float[TILE];
        int j = 0;
        while (j < count) {
            int row = row0 + j;
            if (row % TILE == 0 && j + TILE <= count && row + TILE <= rows) {
                decodeTile(row, panel, j, count, scratch, kernels);
                j += TILE;
            } else {
                for (int k = 0; k < cols; k++) {
                    panel[k * count + j] = panelValue(row, k);
                }
                j++;
            }
        }
    }

    @Override
    public final void decodeRow(int row, float[] out, int offset) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        decodeRowChecked(row, out, offset);
    }

    /** Row {@code row} of the full W, bias part included. */
    abstract void decodeRowChecked(int row, float[] out, int offset);

    /**
     * Writes the 16 rows from {@code tileRow0} (a whole tile) into panel columns {@code [col, col + 16)} of a
     * panel {@code np} wide. {@code scratch} holds 16 floats.
     */
    abstract void decodeTile(int tileRow0, float[] panel, int col, int np, float[] scratch, Kernels kernels);

    /** {@code W'[row][col]}: the panel's value (without the group-bias part). */
    abstract float panelValue(int row, int col);

    /** Index of {@code [row, col]} in a layout of 16-row tiles, each K-major ({@code [cols][width]}). */
    final int tiledIndex(int row, int col) {
        int j = row % TILE;
        int tileRow0 = row - j;
        int width = Math.min(TILE, rows - tileRow0);
        return tileRow0 * cols + col * width + j;
    }

    /** Rearranges a row-major {@code [rows, cols]} source into 16-row tiles (see {@link #tiledIndex}). */
    interface ElementCopy {
        void copy(int from, int to);
    }

    final void tile(ElementCopy copy) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                copy.copy(r * cols + c, tiledIndex(r, c));
            }
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + rows + "x" + cols + ", " + storage() + "]";
    }
}

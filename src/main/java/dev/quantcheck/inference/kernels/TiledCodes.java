package dev.quantcheck.inference.kernels;

/**
 * A packed layout of b-bit codes (b = 1..6 or 8) of a {@code [rows, cols]} matrix that unpacks into K-major matmul
 * panels with contiguous stores: the same bits as MLX's row-wise uint32 stream, only reordered.
 *
 * <ul>
 *   <li>Rows are cut into tiles of {@link #TILE} rows (the last tile may be narrower: width w).</li>
 *   <li>Tile t starts at byte {@code t * TILE * cols * b / 8}; inside it come blocks of 8 columns, each
 *       {@code w * b} bytes.</li>
 *   <li>A code splits into a low plane of {@code lo} bits and a high plane of {@code hi = b - lo} bits, with
 *       {@code lo} and {@code hi} in {1, 2, 4, 8} (3 = 2+1, 5 = 4+1, 6 = 4+2). A block holds the low plane as
 *       {@code lo} sub-blocks of w bytes, then the high plane as {@code hi} sub-blocks of w bytes. Byte
 *       {@code s*w + j} of a plane holds the {@code 8/lo} columns {@code s*8/lo + u} of tile row j at bits
 *       {@code [u*lo, (u+1)*lo)}.</li>
 * </ul>
 * So a 16-row tile delivers, for each column, 16 codes from 16 bytes at one offset: a vector load, a shift and a
 * mask. Resident size is exactly {@code rows * cols * b / 8} bytes, MLX's own.
 */
public final class TiledCodes {
    /** Rows per tile: 16 floats, one 512-bit vector. */
    public static final int TILE = 16;

    private TiledCodes() {
    }

    /** Supplies the codes of one row, in {@code [0, 2^bits)}. */
    @FunctionalInterface
    public interface RowSource {
        void codes(int row, int[] out);
    }

    /** Bits of the low plane: 2 for 3-bit codes, 4 for 5- and 6-bit codes, b otherwise. */
    public static int lowBits(int bits) {
        switch (bits) {
            case 1: case 2: case 4: case 8: return bits;
            case 3: return 2;
            case 5: case 6: return 4;
            default: throw new IllegalArgumentException("bits " + bits + " cannot be tiled; use 1-6 or 8");
        }
    }

    /** Bytes of the whole layout: {@code rows * cols * bits / 8}. */
    public static long byteSize(int rows, int cols, int bits) {
        return (long) rows * cols * bits / 8;
    }

    /** The byte where the block of tile row 0 of the tile holding {@code row}, columns {@code [col, col+8)}, starts. */
    public static int offset(int row, int col, int cols, int bits, int rows) {
        int tileRow0 = row - row % TILE;
        int width = Math.min(TILE, rows - tileRow0);
        return (int) ((long) tileRow0 * cols / 8 * bits) + (col >>> 3) * width * bits;
    }

    /**
     * Packs a matrix whose rows {@code source} supplies.
     *
     * @throws IllegalArgumentException when cols is not a multiple of 8 or a code does not fit
     */
    public static byte[] pack(int rows, int cols, int bits, RowSource source) {
        if (cols % 8 != 0) {
            throw new IllegalArgumentException("cols " + cols + " must be a multiple of 8");
        }
        long size = byteSize(rows, cols, bits);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(rows + " x " + cols + " codes of " + bits + " bits do not fit one array");
        }
        int lo = lowBits(bits);
        int hi = bits - lo;
        int limit = 1 << bits;
        byte[] out = new byte[(int) size];
        int[] row = new int[cols];
        for (int r = 0; r < rows; r++) {
            source.codes(r, row);
            int j = r % TILE;
            int width = Math.min(TILE, rows - (r - j));
            for (int c = 0; c < cols; c++) {
                int code = row[c];
                if (code < 0 || code >= limit) {
                    throw new IllegalArgumentException("code " + code + " at [" + r + ", " + c + "] does not fit "
                            + bits + " bits");
                }
                int block = offset(r, c, cols, bits, rows);
                int u = c & 7;
                int perLo = 8 / lo;
                out[block + (u / perLo) * width + j] |= (byte) ((code & ((1 << lo) - 1)) << ((u % perLo) * lo));
                if (hi > 0) {
                    int perHi = 8 / hi;
                    out[block + (lo + u / perHi) * width + j] |= (byte) ((code >>> lo) << ((u % perHi) * hi));
                }
            }
        }
        return out;
    }

    /** The code of {@code [row, col]}. */
    public static int code(byte[] codes, int rows, int cols, int bits, int row, int col) {
        int lo = lowBits(bits);
        int hi = bits - lo;
        int j = row % TILE;
        int width = Math.min(TILE, rows - (row - j));
        int block = offset(row, col, cols, bits, rows);
        int u = col & 7;
        int perLo = 8 / lo;
        int value = ((codes[block + (u / perLo) * width + j] & 0xFF) >>> ((u % perLo) * lo)) & ((1 << lo) - 1);
        if (hi > 0) {
            int perHi = 8 / hi;
            int high = ((codes[block + (lo + u / perHi) * width + j] & 0xFF) >>> ((u % perHi) * hi)) & ((1 << hi) - 1);
            value |= high << lo;
        }
        return value;
    }
}

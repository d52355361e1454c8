package dev.quantcheck.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes float32 matrices as numpy {@code .npy} files (format 1.0, little-endian, C order), atomically. */
public final class NpyWriter {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private NpyWriter() {
    }

    /** Writes {@code rows} (all of one length) as a float32 array of shape [rows, cols]. */
    public static void write(Path file, float[][] rows) throws IOException {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + cols + "), }";
        // numpy pads the header with spaces and a newline so that the data starts on a 64-byte boundary
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + header.length() + 4 * rows.length * cols)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float[] row : rows) {
            if (row.length != cols) {
                throw new IllegalArgumentException("rows of " + cols + " and " + row.length + " values cannot form a matrix");
            }
            for (float v : row) {
                out.putFloat(v);
            }
        }
        AtomicFiles.write(file, out.array());
    }
}

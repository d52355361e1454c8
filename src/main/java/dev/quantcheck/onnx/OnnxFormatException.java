package dev.quantcheck.onnx;

import java.io.IOException;

/**
 * An ONNX file that cannot be read: broken protobuf, data kept in external files, or a graph that is not what the
 * importer needs. The message names the file, and for wire-format errors the byte offset, so that a truncated
 * download can be told from a file of the wrong kind.
 */
public class OnnxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Offset of the failure in the file, or -1 when the problem is not at one place. */
    private final long offset;
    private final String source;

    /** A failure at byte {@code offset} of {@code source}. */
    public OnnxFormatException(String source, long offset, String detail) {
        super(source + ": " + detail + " at byte offset " + offset);
        this.source = source;
        this.offset = offset;
    }

    /** A failure that concerns the file as a whole (the graph, a tensor's layout). */
    public OnnxFormatException(String source, String detail) {
        super(source + ": " + detail);
        this.source = source;
        this.offset = -1;
    }

    /** The file (or resource) name the message starts with. */
    public String source() {
        return source;
    }

    /** The byte offset where reading failed, or -1. */
    public long offset() {
        return offset;
    }
}

package dev.quantcheck.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Reads the protobuf wire format over a byte range of a buffer: tags, varints, fixed32/64 and length-delimited
 * fields. Positions are absolute offsets in the buffer, so a nested message's reader reports errors at the
 * offset in the whole file.
 *
 * <p>Every read is bounds-checked against the range of the message being read; malformed input gives an
 * {@link OnnxFormatException} naming the source and the offset, never an {@code IndexOutOfBoundsException}.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int START_GROUP = 3;
    static final int END_GROUP = 4;
    static final int FIXED32 = 5;

    private final ByteBuffer buffer;
    private final String source;
    private final int limit;
    private int position;
    private int lastTagAt;

    /** A reader over {@code buffer}'s remaining bytes; offsets in messages count from its position. */
    ProtoReader(ByteBuffer buffer, String source) {
        this(buffer.slice().order(ByteOrder.LITTLE_ENDIAN), source, 0, buffer.remaining());
    }

    private ProtoReader(ByteBuffer buffer, String source, int start, int limit) {
        this.buffer = buffer;
        this.source = source;
        this.position = start;
        this.limit = limit;
        this.lastTagAt = start;
    }

    String source() {
        return source;
    }

    /** Absolute offset of the next byte to read. */
    int position() {
        return position;
    }

    /** Absolute offset of the tag most recently read, for messages about the field it starts. */
    int lastTagAt() {
        return lastTagAt;
    }

    boolean hasMore() {
        return position < limit;
    }

    /** Reads a field tag: {@code fieldNumber << 3 | wireType}. */
    int readTag() throws OnnxFormatException {
        lastTagAt = position;
        long tag = readVarint();
        if (tag >>> 32 != 0 || (tag >>> 3) == 0) {
            throw error(lastTagAt, "invalid field tag " + Long.toUnsignedString(tag));
        }
        return (int) tag;
    }

    static int fieldNumber(int tag) {
        return tag >>> 3;
    }

    static int wireType(int tag) {
        return tag & 7;
    }

    /** Reads a base-128 varint of up to 10 bytes (negative int64 values take all ten). */
    long readVarint() throws OnnxFormatException {
        int start = position;
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw error(start, "truncated varint (the data ends inside it)");
            }
            byte b = buffer.get(position++);
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw error(start, "malformed varint (more than 10 bytes)");
    }

    int readFixed32() throws OnnxFormatException {
        require(4, "fixed32");
        int v = buffer.getInt(position);
        position += 4;
        return v;
    }

    long readFixed64() throws OnnxFormatException {
        require(8, "fixed64");
        long v = buffer.getLong(position);
        position += 8;
        return v;
    }

    float readFloat() throws OnnxFormatException {
        return Float.intBitsToFloat(readFixed32());
    }

    /** Reads a length-delimited field's bytes as a read-only view (no copy), little-endian, position 0. */
    ByteBuffer readBytes() throws OnnxFormatException {
        int length = readLength();
        ByteBuffer slice = buffer.duplicate().position(position).limit(position + length).slice()
                .asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        position += length;
        return slice;
    }

    String readString() throws OnnxFormatException {
        int length = readLength();
        byte[] bytes = new byte[length];
        buffer.duplicate().position(position).get(bytes);
        position += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads a length-delimited field as an embedded message and returns a reader confined to it. */
    ProtoReader readMessage() throws OnnxFormatException {
        int length = readLength();
        ProtoReader nested = new ProtoReader(buffer, source, position, position + length);
        position += length;
        return nested;
    }

    /**
     * Reads one occurrence of a repeated varint field, packed (wire type 2) or not (wire type 0), passing each
     * value to {@code sink}.
     */
    void readRepeatedVarint(int tag, LongConsumer sink) throws OnnxFormatException {
        if (wireType(tag) == VARINT) {
            sink.accept(readVarint());
        } else if (wireType(tag) == LENGTH_DELIMITED) {
            ProtoReader packed = readMessage();
            while (packed.hasMore()) {
                sink.accept(packed.readVarint());
            }
        } else {
            throw wrongWireType(tag, "a repeated varint");
        }
    }

    /** Reads one occurrence of a repeated 32-bit field (float, fixed32), packed or not, as raw bits. */
    void readRepeatedFixed32(int tag, LongConsumer sink) throws OnnxFormatException {
        if (wireType(tag) == FIXED32) {
            sink.accept(readFixed32());
        } else if (wireType(tag) == LENGTH_DELIMITED) {
            ProtoReader packed = readMessage();
            if ((packed.limit - packed.position) % 4 != 0) {
                throw error(packed.position, "packed fixed32 field of " + (packed.limit - packed.position)
                        + " bytes, not a multiple of 4");
            }
            while (packed.hasMore()) {
                sink.accept(packed.readFixed32());
            }
        } else {
            throw wrongWireType(tag, "a repeated 32-bit value");
        }
    }

    /** Reads one occurrence of a repeated 64-bit field (double, fixed64), packed or not, as raw bits. */
    void readRepeatedFixed64(int tag, LongConsumer sink) throws OnnxFormatException {
        if (wireType(tag) == FIXED64) {
            sink.accept(readFixed64());
        } else if (wireType(tag) == LENGTH_DELIMITED) {
            ProtoReader packed = readMessage();
            if ((packed.limit - packed.position) % 8 != 0) {
                throw error(packed.position, "packed fixed64 field of " + (packed.limit - packed.position)
                        + " bytes, not a multiple of 8");
            }
            while (packed.hasMore()) {
                sink.accept(packed.readFixed64());
            }
        } else {
            throw wrongWireType(tag, "a repeated 64-bit value");
        }
    }

    /** Skips the value of a field this reader does not need. */
    void skip(int tag) throws OnnxFormatException {
        switch (wireType(tag)) {
            case VARINT -> readVarint();
            case FIXED64 -> {
                require(8, "fixed64");
                position += 8;
            }
            case LENGTH_DELIMITED -> {
                int length = readLength(); // advances past the length varint first
                position += length;
            }
            case FIXED32 -> {
                require(4, "fixed32");
                position += 4;
            }
            default -> throw error(lastTagAt, "unsupported wire type " + wireType(tag) + " for field "
                    + fieldNumber(tag) + " (groups are not used by ONNX)");
        }
    }

    /** Checks that a field has the wire type its schema gives it. */
    void expect(int tag, int wireType) throws OnnxFormatException {
        if (wireType(tag) != wireType) {
            throw wrongWireType(tag, "wire type " + wireType);
        }
    }

    OnnxFormatException error(long offset, String detail) {
        return new OnnxFormatException(source, offset, detail);
    }

    private OnnxFormatException wrongWireType(int tag, String expected) {
        return error(lastTagAt, "field " + fieldNumber(tag) + " has wire type " + wireType(tag) + ", expected "
                + expected + "; this is not an ONNX model, or it is corrupt");
    }

    private int readLength() throws OnnxFormatException {
        int at = position;
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw error(at, "length " + Long.toUnsignedString(length) + " runs past the end of its message ("
                    + (limit - position) + " bytes left); the file is truncated or not protobuf");
        }
        return (int) length;
    }

    private void require(int bytes, String what) throws OnnxFormatException {
        if (limit - position < bytes) {
            throw error(position, "truncated " + what + " (" + (limit - position) + " of " + bytes + " bytes left)");
        }
    }
}

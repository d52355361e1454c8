package dev.quantcheck.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds protobuf wire-format bytes by hand, for tests of the reader. */
final class ProtoBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static byte[] varintBytes(long value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while ((value & ~0x7FL) != 0) {
            b.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        b.write((int) value);
        return b.toByteArray();
    }

    ProtoBytes raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    ProtoBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    ProtoBytes tag(int field, int wireType) {
        return raw(varintBytes((long) field << 3 | wireType));
    }

    ProtoBytes varint(int field, long value) {
        return tag(field, ProtoReader.VARINT).raw(varintBytes(value));
    }

    ProtoBytes fixed32(int field, int bits) {
        tag(field, ProtoReader.FIXED32);
        return raw(bits & 0xFF, bits >>> 8 & 0xFF, bits >>> 16 & 0xFF, bits >>> 24 & 0xFF);
    }

    ProtoBytes float32(int field, float value) {
        return fixed32(field, Float.floatToRawIntBits(value));
    }

    ProtoBytes fixed64(int field, long bits) {
        tag(field, ProtoReader.FIXED64);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    ProtoBytes bytes(int field, byte[] value) {
        return tag(field, ProtoReader.LENGTH_DELIMITED).raw(varintBytes(value.length)).raw(value);
    }

    ProtoBytes string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoBytes message(int field, ProtoBytes message) {
        return bytes(field, message.toByteArray());
    }

    ProtoBytes packedVarints(int field, long... values) {
        ProtoBytes packed = new ProtoBytes();
        for (long v : values) {
            packed.raw(varintBytes(v));
        }
        return bytes(field, packed.toByteArray());
    }

    ProtoBytes packedFloats(int field, float... values) {
        ProtoBytes packed = new ProtoBytes();
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v);
            packed.raw(bits & 0xFF, bits >>> 8 & 0xFF, bits >>> 16 & 0xFF, bits >>> 24 & 0xFF);
        }
        return bytes(field, packed.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}

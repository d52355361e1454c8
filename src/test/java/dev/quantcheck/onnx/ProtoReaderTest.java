package dev.quantcheck.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtoReaderTest {
    private static ProtoReader reader(byte[] bytes) {
        return new ProtoReader(ByteBuffer.wrap(bytes), "test.onnx");
    }

    private static ProtoReader reader(ProtoBytes bytes) {
        return reader(bytes.toByteArray());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 127, 128, 300, 16_383, 16_384, Integer.MAX_VALUE, 1L << 35, Long.MAX_VALUE, -1, -2,
            Long.MIN_VALUE})
    void varintsOfEveryLengthReadBack(long value) throws OnnxFormatException {
        byte[] bytes = ProtoBytes.varintBytes(value);
        ProtoReader in = reader(bytes);
        assertThat(in.readVarint()).isEqualTo(value);
        assertThat(in.hasMore()).isFalse();
    }

    @Test
    void varint300IsTheTwoBytesOfTheProtobufDocumentation() throws OnnxFormatException {
        assertThat(reader(new byte[] {(byte) 0xAC, 0x02}).readVarint()).isEqualTo(300);
        // a negative int64 (ReduceMean axes = [-1] in the real graph) takes all ten bytes
        assertThat(ProtoBytes.varintBytes(-1)).hasSize(10);
    }

    @Test
    void aTagSplitsIntoFieldNumberAndWireType() throws OnnxFormatException {
        int tag = reader(new ProtoBytes().tag(20, ProtoReader.VARINT)).readTag();
        assertThat(ProtoReader.fieldNumber(tag)).isEqualTo(20);
        assertThat(ProtoReader.wireType(tag)).isEqualTo(ProtoReader.VARINT);
    }

    @Test
    void lengthDelimitedFieldsAndNestedMessagesStayInsideTheirBounds() throws OnnxFormatException {
        // GIVEN field 1 = "abc", field 2 = message {field 1 = 7}, field 3 = 9
        ProtoReader in = reader(new ProtoBytes().string(1, "abc")
                .message(2, new ProtoBytes().varint(1, 7)).varint(3, 9));

        // WHEN / THEN
        assertThat(ProtoReader.fieldNumber(in.readTag())).isEqualTo(1);
        assertThat(in.readString()).isEqualTo("abc");
        assertThat(ProtoReader.fieldNumber(in.readTag())).isEqualTo(2);
        ProtoReader nested = in.readMessage();
        assertThat(nested.position()).as("offsets are absolute in the file").isEqualTo(7);
        assertThat(ProtoReader.fieldNumber(nested.readTag())).isEqualTo(1);
        assertThat(nested.readVarint()).isEqualTo(7);
        assertThat(nested.hasMore()).isFalse();
        assertThat(ProtoReader.fieldNumber(in.readTag())).isEqualTo(3);
        assertThat(in.readVarint()).isEqualTo(9);
        assertThat(in.hasMore()).isFalse();
    }

    @Test
    void bytesAreAViewWithoutCopy() throws OnnxFormatException {
        ProtoReader in = reader(new ProtoBytes().bytes(9, new byte[] {1, 2, 3, 4}));
        in.readTag();
        ByteBuffer view = in.readBytes();
        assertThat(view.remaining()).isEqualTo(4);
        assertThat(view.getInt(0)).isEqualTo(0x04030201);
        assertThat(view.isReadOnly()).isTrue();
    }

    @Test
    void repeatedVarintsArePackedOrNot() throws OnnxFormatException {
        ProtoReader in = reader(new ProtoBytes().packedVarints(8, 1, 300, -1).varint(8, 5).varint(8, 6));
        List<Long> values = new ArrayList<>();
        while (in.hasMore()) {
            in.readRepeatedVarint(in.readTag(), values::add);
        }
        assertThat(values).containsExactly(1L, 300L, -1L, 5L, 6L);
    }

    @Test
    void repeatedFloatsArePackedOrNot() throws OnnxFormatException {
        ProtoReader in = reader(new ProtoBytes().packedFloats(7, 1.5f, -2f).float32(7, 0.25f));
        List<Float> values = new ArrayList<>();
        while (in.hasMore()) {
            in.readRepeatedFixed32(in.readTag(), bits -> values.add(Float.intBitsToFloat((int) bits)));
        }
        assertThat(values).containsExactly(1.5f, -2f, 0.25f);
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() throws OnnxFormatException {
        ProtoReader in = reader(new ProtoBytes().varint(1, -1).fixed64(2, 42).string(3, "skip me")
                .fixed32(4, 7).varint(5, 99));
        for (int i = 0; i < 4; i++) {
            in.skip(in.readTag());
        }
        assertThat(ProtoReader.fieldNumber(in.readTag())).isEqualTo(5);
        assertThat(in.readVarint()).isEqualTo(99);
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void aTruncatedVarintNamesTheFileAndTheOffset() {
        // GIVEN a varint whose last byte still has the continuation bit set, after one good byte
        ProtoReader in = reader(new byte[] {0x08, (byte) 0x96});
        // WHEN / THEN
        assertThatThrownBy(() -> {
            in.readTag();
            in.readVarint();
        }).isInstanceOf(OnnxFormatException.class)
                .hasMessage("test.onnx: truncated varint (the data ends inside it) at byte offset 1")
                .satisfies(e -> assertThat(((OnnxFormatException) e).offset()).isEqualTo(1));
    }

    @Test
    void aVarintOfMoreThanTenBytesIsMalformed() {
        byte[] bytes = new byte[11];
        java.util.Arrays.fill(bytes, (byte) 0xFF);
        assertThatThrownBy(() -> reader(bytes).readVarint())
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("more than 10 bytes").hasMessageContaining("offset 0");
    }

    @Test
    void aLengthPastTheEndIsReportedNotOverread() {
        // GIVEN field 1 claims 100 bytes but 3 follow
        byte[] bytes = {0x0A, 100, 'a', 'b', 'c'};
        ProtoReader in = reader(bytes);
        assertThatThrownBy(() -> {
            in.readTag();
            in.readString();
        }).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("test.onnx: length 100 runs past the end of its message (3 bytes left)")
                .hasMessageContaining("at byte offset 1");
    }

    @Test
    void aNestedLengthMayNotReachPastItsParent() throws OnnxFormatException {
        // GIVEN message field 1 of 2 bytes whose inner string claims 5 bytes; the outer buffer has more after it
        byte[] bytes = {0x0A, 0x02, 0x0A, 0x05, 'x', 'y', 'z', 'w', 'v'};
        ProtoReader in = reader(bytes);
        in.readTag();
        ProtoReader nested = in.readMessage();
        nested.readTag();
        assertThatThrownBy(nested::readString).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("runs past the end of its message (0 bytes left)")
                .hasMessageContaining("offset 3");
    }

    @Test
    void truncatedFixedWidthValuesAreReported() {
        assertThatThrownBy(() -> reader(new byte[] {1, 2, 3}).readFixed32())
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("truncated fixed32 (3 of 4 bytes left)");
        ProtoReader in = reader(new byte[] {0x11, 1, 2});
        assertThatThrownBy(() -> in.skip(in.readTag()))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("truncated fixed64");
    }

    @Test
    void groupsAndFieldZeroAreRejected() {
        ProtoReader group = reader(new ProtoBytes().tag(3, ProtoReader.START_GROUP).toByteArray());
        assertThatThrownBy(() -> group.skip(group.readTag()))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("unsupported wire type 3");
        assertThatThrownBy(() -> reader(new byte[] {0x00}).readTag())
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("invalid field tag 0");
    }

    @Test
    void aPackedFloatFieldMustHoldWholeFloats() throws OnnxFormatException {
        ProtoReader in = reader(new ProtoBytes().bytes(7, new byte[] {1, 2, 3, 4, 5}));
        int tag = in.readTag();
        assertThatThrownBy(() -> in.readRepeatedFixed32(tag, v -> { }))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("not a multiple of 4");
    }

    @Test
    void aStringIsDecodedAsUtf8() throws OnnxFormatException {
        ProtoReader in = reader(new ProtoBytes().bytes(1, "µ/ä".getBytes(StandardCharsets.UTF_8)));
        in.readTag();
        assertThat(in.readString()).isEqualTo("µ/ä");
    }
}

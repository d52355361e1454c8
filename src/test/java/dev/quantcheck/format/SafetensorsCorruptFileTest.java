package dev.quantcheck.format;

import dev.quantcheck.format.SafetensorsFormatException.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One case per validation rule: each bad file fails with a typed exception that names file, tensor and rule. */
class SafetensorsCorruptFileTest {
    @TempDir
    Path dir;

    /** A file with the given header text (length field computed) followed by {@code dataBytes} zero bytes. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return raw(json.length, json, dataBytes);
    }

    private Path raw(long declaredLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(declaredLength).put(header);
        Path path = dir.resolve("bad.safetensors");
        Files.write(path, buffer.array());
        return path;
    }

    private static void assertRejected(Path path, Rule rule, String tensor, String detail) {
        assertThatThrownBy(() -> SafetensorsFile.open(path))
                .isInstanceOfSatisfying(SafetensorsFormatException.class, e -> {
                    assertThat(e.rule()).isEqualTo(rule);
                    assertThat(e.tensor()).isEqualTo(tensor);
                    assertThat(e.file()).isEqualTo(path);
                })
                .hasMessageContaining(path.toString())
                .hasMessageContaining(rule.requirement())
                .hasMessageContaining(detail);
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path path = dir.resolve("short.safetensors");
        Files.write(path, new byte[] {1, 2, 3});
        assertRejected(path, Rule.FILE_TOO_SHORT, null, "the file has 3 bytes");
    }

    @Test
    void emptyFile() throws IOException {
        Path path = dir.resolve("empty.safetensors");
        Files.write(path, new byte[0]);
        assertRejected(path, Rule.FILE_TOO_SHORT, null, "the file has 0 bytes");
    }

    @Test
    void headerLengthAboveTheCapIsRejectedBeforeAllocating() throws IOException {
        assertRejected(raw(100_000_001L, new byte[0], 0), Rule.HEADER_TOO_LARGE, null, "100000001 bytes");
    }

    @Test
    void headerLengthWithTheTopBitSetIsRejected() throws IOException {
        assertRejected(raw(-1L, new byte[0], 0), Rule.HEADER_TOO_LARGE, null, "18446744073709551615");
    }

    @Test
    void headerRunningPastTheEndOfTheFile() throws IOException {
        assertRejected(raw(64, "{}".getBytes(StandardCharsets.UTF_8), 0), Rule.HEADER_OUTSIDE_FILE, null,
                "says 64 bytes but only 2 follow it");
    }

    @Test
    void headerThatIsNotUtf8() throws IOException {
        byte[] header = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        assertRejected(raw(header.length, header, 0), Rule.HEADER_NOT_UTF8, null, "not UTF-8");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        assertRejected(file("{\"a\": ", 0), Rule.HEADER_NOT_JSON_OBJECT, null, "not valid JSON");
    }

    @Test
    void headerThatIsAJsonArray() throws IOException {
        assertRejected(file("[1, 2]", 0), Rule.HEADER_NOT_JSON_OBJECT, null, "a JSON ARRAY");
    }

    @Test
    void duplicateTensorName() throws IOException {
        String entry = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
        assertRejected(file("{\"a\":" + entry + ",\"a\":" + entry + "}", 1), Rule.DUPLICATE_KEY, null, "'a'");
    }

    @Test
    void metadataThatIsNotStrings() throws IOException {
        assertRejected(file("{\"__metadata__\":{\"format\":5}}", 0), Rule.BAD_METADATA, null, "'format'");
    }

    @Test
    void entryWithoutOffsets() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), Rule.BAD_ENTRY, "w", "the entry is");
    }

    @Test
    void entryWithFractionalShape() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4),
                Rule.BAD_ENTRY, "w", "1.5");
    }

    @Test
    void unknownDtype() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", 16),
                Rule.UNKNOWN_DTYPE, "w", "dtype 'F128' is unknown");
    }

    @Test
    void negativeDimension() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,4],\"data_offsets\":[0,16]}}", 16),
                Rule.NEGATIVE_SHAPE, "w", "[-1,4]");
    }

    @Test
    void byteCountThatDoesNotMatchTheShape() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12),
                Rule.SIZE_MISMATCH, "w", "hold 12 bytes but F32 [2,2] needs 16");
    }

    @Test
    void shapeWhoseByteCountOverflows() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8),
                Rule.SIZE_MISMATCH, "w", "overflows");
    }

    @Test
    void offsetsPastTheEndOfTheData() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
                Rule.OFFSETS_OUTSIDE_DATA, "w", "data section of 8 bytes");
    }

    @Test
    void offsetsInReverseOrder() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", 8),
                Rule.OFFSETS_OUTSIDE_DATA, "w", "[4,0]");
    }

    @Test
    void negativeOffset() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[-4,0]}}", 8),
                Rule.OFFSETS_OUTSIDE_DATA, "w", "[-4,0]");
    }

    @Test
    void offsetTooLargeForALong() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,99999999999999999999]}}", 8),
                Rule.OFFSETS_OUTSIDE_DATA, "w", "does not fit in 64 bits");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                Rule.OVERLAP, "b", "overlap tensor 'a'");
    }

    @Test
    void aValidHandWrittenFileIsAccepted() throws IOException {
        // the same shape of file as the cases above, without a fault, so the cases fail for their fault alone
        Path path = file("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[8,8]}}", 8);
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertThat(file.names()).containsExactly("a", "b");
            assertThat(file.metadata()).containsEntry("format", "pt");
            assertThat(file.floats("a")).containsExactly(0f, 0f);
            assertThat(file.bytes("b").remaining()).isZero();
        }
    }
}

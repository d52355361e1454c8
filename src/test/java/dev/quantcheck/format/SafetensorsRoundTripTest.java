package dev.quantcheck.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    private static ByteBuffer randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    @Test
    void everyDtypeSurvivesWriteAndRead() throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter().mlxFormat();
        int i = 0;
        for (DType dtype : DType.values()) {
            writer.add("t." + dtype.fileName(), dtype, new long[] {3, 5}, randomBytes(15 * dtype.itemSize(), i++));
        }
        writer.add("scalar", DType.F32, new long[0], randomBytes(4, 99));
        writer.add("empty", DType.F16, new long[] {0, 7}, ByteBuffer.allocate(0));
        Path path = dir.resolve("all.safetensors");
        writer.write(path);

        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertThat(file.metadata()).containsExactly(java.util.Map.entry("format", "mlx"));
            i = 0;
            for (DType dtype : DType.values()) {
                TensorInfo info = file.info("t." + dtype.fileName());
                assertThat(info.dtype()).isEqualTo(dtype);
                assertThat(info.shape()).containsExactly(3, 5);
                assertThat(file.bytes(info.name())).isEqualTo(randomBytes(15 * dtype.itemSize(), i++));
            }
            assertThat(file.info("scalar").numel()).isEqualTo(1);
            assertThat(file.info("empty").byteSize()).isZero();
        }
    }

    @Test
    void headerIsSortedPaddedToEightBytesAndOffsetsIncrease() throws IOException {
        Path path = dir.resolve("w.safetensors");
        new SafetensorsWriter()
                .addFloats("z.last", DType.F32, new long[] {1}, new float[] {1f})
                .addFloats("a.first", DType.F16, new long[] {3}, new float[] {1f, 2f, 3f})
                .mlxFormat()
                .write(path);
        byte[] bytes = Files.readAllBytes(path);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"mlx\"},\"a.first\":"
                + "{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},\"z.last\":"
                + "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[6,10]}}");
        assertThat(header.trim()).hasSizeLessThan(header.length() + 1);
        assertThat(bytes.length).isEqualTo(8 + headerLength + 10);
    }

    @Test
    void floatsAreEncodedInTheRequestedDtypeWithRoundToNearestEven() throws IOException {
        float[] values = {1f, -2.5f, 65504f, 1.0009766f /* 1 + 2^-10: exact in f16, rounds to 1 in bf16 */};
        Path path = dir.resolve("f.safetensors");
        new SafetensorsWriter()
                .addFloats("f32", DType.F32, new long[] {4}, values)
                .addFloats("f16", DType.F16, new long[] {4}, values)
                .addFloats("bf16", DType.BF16, new long[] {4}, values)
                .write(path);
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertThat(file.floats("f32")).containsExactly(values);
            assertThat(file.floats("f16")).containsExactly(values);
            assertThat(file.floats("bf16")).containsExactly(1f, -2.5f, 65536f, 1f);
        }
    }

    @Test
    void rewritingAFileGivesByteIdenticalTensors() throws IOException {
        Path first = dir.resolve("1.safetensors");
        new SafetensorsWriter()
                .add("a", DType.U32, new long[] {4, 2}, randomBytes(32, 1))
                .add("b", DType.BF16, new long[] {4}, randomBytes(8, 2))
                .write(first);
        Path second = dir.resolve("2.safetensors");
        try (SafetensorsFile file = SafetensorsFile.open(first)) {
            new SafetensorsWriter().addAll(file).write(second);
        }
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
    }

    @Test
    void tensorsBeyondTwoGibibytesAreReadable() throws IOException {
        // A sparse file: a 2 GiB + 8 byte padding tensor, then a small tensor that lies past offset 2^31.
        long big = (1L << 31) + 8;
        String header = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        Path path = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
            raf.write(head.array());
            raf.write(json);
            raf.seek(8 + json.length + big);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-7f);
            raf.write(tail.array());
        }
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            assertThat(file.floats("tail")).containsExactly(1.5f, -7f);
            assertThatThrownBy(() -> file.bytes("pad"))
                    .hasRootCauseInstanceOf(SafetensorsFormatException.class)
                    .hasMessageContaining("'pad'");
        } finally {
            Files.delete(path);
        }
    }
}

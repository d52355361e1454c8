package dev.quantcheck.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.ModelDirectoryException;
import dev.quantcheck.format.ModelWeights;
import dev.quantcheck.format.SafetensorsFile;
import dev.quantcheck.format.SafetensorsFormatException;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.fuzz.ParserContract.AllocationBound;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The safetensors reader on any bytes. {@link SafetensorsFile#open}: a {@link SafetensorsFormatException} naming
 * the file, or a file each of whose tensors can be viewed (and, for float tensors, decoded) as its header says.
 * {@link ModelWeights#open} on any shard index beside two valid shards: a {@link ModelDirectoryException} (or the
 * SafetensorsFormatException of a shard it names), or weights whose every tensor can be looked up.
 */
@Timeout(10)
class SafetensorsFuzzTest {
    /**
     * The header is copied, decoded to a String and read as a JSON tree (a few times its size, more for many tiny
     * JSON values); F16 and BF16 tensors decode to twice their bytes.
     */
    private static final AllocationBound FILE_BOUND = new AllocationBound(256 * 1024, 64);
    /** Besides the index: opening the two shards, and ModelWeights reads the index twice with a new ObjectMapper. */
    private static final AllocationBound INDEX_BOUND = new AllocationBound(1024 * 1024, 64);

    private static final String FIRST_SHARD = "model-00001-of-00002.safetensors";
    private static final String SECOND_SHARD = "model-00002-of-00002.safetensors";

    @TempDir
    static Path dir;

    private static Path sharded;
    /** Opened files map their tensors: a new file for each input (see FreshFiles). */
    private static FreshFiles inputs;

    @BeforeAll
    static void writeShards() throws IOException {
        inputs = new FreshFiles(Files.createDirectories(dir.resolve("inputs")), "model.safetensors");
        sharded = Files.createDirectories(dir.resolve("sharded"));
        Files.write(sharded.resolve(FIRST_SHARD), safetensors(new SafetensorsWriter()
                .addFloats("embeddings.word_embeddings.weight", DType.F32, new long[] {2, 2}, new float[] {1, 2, 3, 4})));
        Files.write(sharded.resolve(SECOND_SHARD), safetensors(new SafetensorsWriter()
                .addFloats("pooler.dense.bias", DType.F16, new long[] {2}, new float[] {0.5f, -1})));
    }

    // ---------------------------------------------------------------- SafetensorsFile

    @FuzzTest
    void safetensorsFile(byte[] input) throws Exception {
        Path file = inputs.write(input);
        ParserContract.failsOnlyWith(SafetensorsFormatException.class, FILE_BOUND)
                .check(file.getFileName().toString(), input.length, () -> openAndReadBack(file));
    }

    private static void openAndReadBack(Path file) throws IOException {
        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            for (TensorInfo tensor : safetensors.tensors()) {
                assertThat(safetensors.bytes(tensor.name()).remaining()).as(tensor.name())
                        .isEqualTo(tensor.numel() * tensor.dtype().itemSize());
                if (Set.of(DType.F32, DType.F16, DType.BF16).contains(tensor.dtype())) {
                    assertThat(safetensors.floats(tensor.name())).as(tensor.name()).hasSize((int) tensor.numel());
                }
            }
        }
    }

    /** A few tensors of the dtypes and shapes MLX writes: float, packed U32 with scales and biases, scalar, empty. */
    private static Map<String, byte[]> safetensorsSeeds() {
        SafetensorsWriter quantizedLayer = new SafetensorsWriter().mlxFormat()
                .add("encoder.layer.0.attention.self.query.weight", DType.U32, new long[] {2, 2}, ByteBuffer.allocate(16))
                .addFloats("encoder.layer.0.attention.self.query.scales", DType.F16, new long[] {2, 1}, new float[] {0.1f, 0.2f})
                .addFloats("encoder.layer.0.attention.self.query.biases", DType.BF16, new long[] {2, 1}, new float[] {-1, 1})
                .addFloats("embeddings.LayerNorm.weight", DType.F32, new long[] {3}, new float[] {1, 1, 1})
                .addFloats("scalar", DType.F32, new long[] {}, new float[] {7})
                .add("empty", DType.I64, new long[] {0, 4}, ByteBuffer.allocate(0));
        return Map.of("quantized-layer.safetensors", safetensors(quantizedLayer),
                "no-tensors.safetensors", safetensors(new SafetensorsWriter()));
    }

    // ---------------------------------------------------------------- ModelWeights and its index

    @FuzzTest
    void shardIndex(byte[] input) throws Exception {
        Path index = Files.write(sharded.resolve(ModelWeights.INDEX_FILE), input);
        ParserContract.failsOnlyWith(ModelDirectoryException.class, SafetensorsFormatException.class, INDEX_BOUND)
                .check(index.getFileName().toString(), input.length, () -> openWeights(sharded));
    }

    private static void openWeights(Path folder) throws IOException {
        try (ModelWeights weights = ModelWeights.open(folder)) {
            for (String name : weights.names()) {
                assertThat(weights.info(name).name()).isEqualTo(name);
            }
        }
    }

    private static Map<String, byte[]> indexSeeds() {
        String index = "{\"metadata\": {\"total_size\": 24}, \"weight_map\": {"
                + "\"embeddings.word_embeddings.weight\": \"" + FIRST_SHARD + "\", "
                + "\"pooler.dense.bias\": \"" + SECOND_SHARD + "\"}}";
        return Map.of("index.json", index.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- the seeds load

    @Test
    void validSeedsLoad() throws IOException {
        for (Map.Entry<String, byte[]> seed : ValidSeeds.of(getClass(), "safetensorsFile",
                SafetensorsFuzzTest::safetensorsSeeds).entrySet()) {
            openAndReadBack(Files.write(dir.resolve(seed.getKey()), seed.getValue()));
        }
        for (Map.Entry<String, byte[]> seed : ValidSeeds.of(getClass(), "shardIndex",
                SafetensorsFuzzTest::indexSeeds).entrySet()) {
            Files.write(sharded.resolve(ModelWeights.INDEX_FILE), seed.getValue());
            openWeights(sharded);
        }
    }

    private static byte[] safetensors(SafetensorsWriter writer) {
        try {
            Path file = Files.createTempFile(dir, "seed", ".safetensors");
            Files.delete(file);
            writer.write(file);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

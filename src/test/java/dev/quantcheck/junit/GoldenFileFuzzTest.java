package dev.quantcheck.junit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantcheck.fuzz.ParserContract;
import dev.quantcheck.fuzz.ParserContract.AllocationBound;
import dev.quantcheck.fuzz.ValidSeeds;
import dev.quantcheck.junit.GoldenFile.GoldenConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golden-file reader on any bytes: {@link GoldenFile#readOrWrite} (not updating) ends in a
 * {@link GoldenConfigurationException} naming the file, or in one embedding per text, all of one width. Here,
 * beside the package-private GoldenFile.
 */
@Timeout(10)
class GoldenFileFuzzTest {
    /** A JSON tree of the golden, a few times its size, and the float arrays, smaller than their text. */
    private static final AllocationBound BOUND = new AllocationBound(256 * 1024, 64);

    private static final GoldenFile.Identity IDENTITY = new GoldenFile.Identity(
            "model-fingerprint", "tokenizer-sha256", "mean", "corpus-sha256");
    private static final List<String> TEXTS = List.of("a first text", "a second text");

    @TempDir
    static Path dir;

    @FuzzTest
    void golden(byte[] input) throws Exception {
        Path file = Files.write(dir.resolve("golden.json"), input);
        ParserContract.failsOnlyWith(GoldenConfigurationException.class, BOUND)
                .check(file.getFileName().toString(), input.length, () -> read(file));
    }

    private static void read(Path file) {
        Embeddings golden = GoldenFile.readOrWrite(file, IDENTITY, TEXTS, () -> {
            throw new AssertionError("a golden is only read here, never computed");
        });
        assertThat(golden.texts()).isEqualTo(TEXTS);
        for (float[] vector : golden.vectors()) {
            assertThat(vector).hasSize(golden.dimension());
        }
    }

    /** A golden as GoldenFile writes one (pretty-printed), for the identity above. */
    private static Map<String, byte[]> seeds() {
        String golden = String.join("\n",
                "{",
                "  \"model_fingerprint\" : \"model-fingerprint\",",
                "  \"tokenizer_sha256\" : \"tokenizer-sha256\",",
                "  \"pooling\" : \"mean\",",
                "  \"corpus_sha256\" : \"corpus-sha256\",",
                "  \"texts\" : 2,",
                "  \"embeddings\" : [ [ 0.25, -0.5, 1.0E-3 ], [ -0.125, 0.75, 3.0 ] ]",
                "}");
        return Map.of("golden.json", golden.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void validSeedsLoad() throws IOException {
        for (byte[] seed : ValidSeeds.of(getClass(), "golden", GoldenFileFuzzTest::seeds).values()) {
            read(Files.write(dir.resolve("golden.json"), seed));
        }
    }
}

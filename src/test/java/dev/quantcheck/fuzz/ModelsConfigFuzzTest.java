package dev.quantcheck.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantcheck.conversion.ModelEntry;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.conversion.ModelsConfigException;
import dev.quantcheck.fuzz.ParserContract.AllocationBound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code config/models.yaml} on any bytes: {@link ModelsConfig#load} ends in a {@link ModelsConfigException}
 * naming the file, or in a config that finds each of its own entries by name and bits.
 */
@Timeout(10)
class ModelsConfigFuzzTest {
    /**
     * SnakeYAML's tokens and events, Jackson's records, and the file read again as lines to find a bad key's line.
     * A flow list of empty entries ({@code [{},{},...]}) builds a ModelEntry with its maps and Jackson's buffers for
     * every three bytes, about 360 bytes per input byte; a CI run then found a 1,730-byte file (a mangled copy of the
     * real models.yaml, kept as over-second-allocation-bound.yaml) that allocates 2.2 MB. Both grow with the file,
     * not with a size it declares, so the bound leaves room: 2 KiB per input byte.
     */
    private static final AllocationBound BOUND = new AllocationBound(1024 * 1024, 2048);

    @TempDir
    static Path dir;

    @FuzzTest
    void modelsYaml(byte[] input) throws Exception {
        Path file = write(input);
        ParserContract.failsOnlyWith(ModelsConfigException.class, BOUND)
                .check(file.getFileName().toString(), input.length, () -> loadAndLookUp(file));
    }

    private static void loadAndLookUp(Path file) throws IOException {
        ModelsConfig config = ModelsConfig.load(file);
        for (ModelEntry m : config.models()) {
            assertThat(config.entry(m.name(), m.bits())).isEqualTo(m);
        }
    }

    private static Path write(byte[] yaml) throws IOException {
        Path file = dir.resolve(ModelsConfig.DEFAULT_PATH);
        Files.createDirectories(file.getParent());
        return Files.write(file, yaml);
    }

    private static Map<String, byte[]> seeds() {
        String everyKey = String.join("\n",
                "models:",
                "  - name: tiny",
                "    source: models/hf/tiny",
                "    bits: 4",
                "    group_size: 32",
                "    dtype: bfloat16",
                "    rounding: cpu",
                "    target_size_mb: 1.5",
                "    thresholds: {mean_cosine: 0.9, min_cosine: 0.8, mse: 0.01, max_abs_diff: 0.5, p01_cosine: 0.85,",
                "                 top10_overlap: 0.7, pairwise_spearman: 0.9, sts_spearman_drop: 0.05,",
                "                 min_compression_ratio: 2}",
                "    layers:",
                "      embeddings.word_embeddings: {bits: 8}",
                "      encoder.layer.0.output.dense: {bits: 8, group_size: 64}",
                "      pooler.dense: keep",
                "");
        try {
            return Map.of("repository-models.yaml", Files.readAllBytes(Path.of(ModelsConfig.DEFAULT_PATH)),
                    "every-key.yaml", everyKey.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void validSeedsLoad() throws IOException {
        for (byte[] seed : ValidSeeds.of(getClass(), "modelsYaml", ModelsConfigFuzzTest::seeds).values()) {
            loadAndLookUp(write(seed));
        }
    }
}

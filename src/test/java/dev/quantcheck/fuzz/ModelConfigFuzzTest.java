package dev.quantcheck.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.conversion.LayerOverride;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.ModelDirectoryException;
import dev.quantcheck.fuzz.ParserContract.AllocationBound;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code config.json} and its {@code quantization} block, read by {@link ModelDirectory#open} (ModelConfig.parse,
 * QuantizationConfig.parse and the cross-checks against the weights): any config.json in an otherwise valid model
 * folder ends in a {@link ModelDirectoryException} naming it, or in a model that opens. One target per folder: a
 * float TinyBert, and the same converted to 4 bits with per-layer entries (one layer at 8 bits, one kept in float).
 */
@Timeout(10)
class ModelConfigFuzzTest {
    /**
     * What the rest of the folder costs to read (tokenizer.json with a new ObjectMapper, the pooling files, the
     * safetensors header), and a JSON tree of the config, which is a few times its size.
     */
    private static final AllocationBound BOUND = new AllocationBound(2 * 1024 * 1024, 64);

    @TempDir
    static Path dir;

    private static Path floatModel;
    private static Path quantizedModel;
    /** The folders' own config.json files, as written; the fuzz targets overwrite them. */
    private static final Map<Path, byte[]> WRITTEN_CONFIGS = new HashMap<>();

    @BeforeAll
    static void writeModels() throws IOException {
        floatModel = TinyBert.builder().layers(1).hidden(32).heads(2).intermediate(64).write(dir.resolve("float"));
        quantizedModel = dir.resolve("q4");
        Converter.convert(floatModel, quantizedModel, ConversionOptions.defaults().withBits(4).withGroupSize(32)
                .withOverrides(Map.of("encoder.layer.0.output.dense", LayerOverride.quantize(8, 32),
                        "encoder.layer.0.attention.output.dense", LayerOverride.KEEP)), false);
        for (Path model : new Path[] {floatModel, quantizedModel}) {
            WRITTEN_CONFIGS.put(model, Files.readAllBytes(model.resolve(ModelDirectory.CONFIG)));
        }
    }

    @FuzzTest
    void floatModelConfig(byte[] input) throws Exception {
        openWithConfig(floatModel, input);
    }

    @FuzzTest
    void quantizedModelConfig(byte[] input) throws Exception {
        openWithConfig(quantizedModel, input);
    }

    private static void openWithConfig(Path model, byte[] config) throws Exception {
        Files.write(model.resolve(ModelDirectory.CONFIG), config);
        ParserContract.failsOnlyWith(ModelDirectoryException.class, BOUND)
                .check(ModelDirectory.CONFIG, config.length, () -> ModelDirectory.open(model).close());
    }

    @Test
    void validSeedsLoad() throws IOException {
        checkSeeds("floatModelConfig", floatModel);
        checkSeeds("quantizedModelConfig", quantizedModel);
    }

    /** The config.json that TinyBert or the converter wrote is the folder's valid seed. */
    private void checkSeeds(String target, Path model) throws IOException {
        byte[] written = WRITTEN_CONFIGS.get(model);
        for (byte[] seed : ValidSeeds.of(getClass(), target, () -> Map.of("config.json", written)).values()) {
            Files.write(model.resolve(ModelDirectory.CONFIG), seed);
            ModelDirectory.open(model).close();
        }
    }
}

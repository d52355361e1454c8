package dev.quantcheck.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.LayerQuantization;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.models.BuiltinModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The converter on the real all-MiniLM-L6-v2: sizes, layout and metadata of q8, q4 and the fake. */
class RealMiniLmConversionTest {
    @TempDir
    static Path dir;
    static Path source;
    static ConversionResult q8;
    static ConversionResult q4;
    static ConversionResult fake;

    @BeforeAll
    static void convert() throws IOException {
        source = BuiltinModels.miniLm();
        ConversionOptions options = ConversionOptions.defaults();
        q8 = Converter.convert(source, dir.resolve("q8"), options.withBits(8), false);
        q4 = Converter.convert(source, dir.resolve("q4"), options.withBits(4), false);
        fake = Converter.convert(source, dir.resolve("fake"), options.withBits(8).withFake(true), false);
    }

    @Test
    void eightBitsCompressAboutThreePointSevenTimes() {
        // 22.7 M weights at 8 bits + fp16 scale and bias per 64 = 8.5 bits/weight, against 32
        assertThat(q8.metadata().compressionRatio()).isCloseTo(3.76, within(0.05));
        assertThat(q8.metadata().actualSizeMb()).isCloseTo(22.9, within(0.2));
    }

    @Test
    void fourBitsCompressAboutSevenTimes() {
        // 4.5 bits/weight: 32 / 4.5 = 7.1
        assertThat(q4.metadata().compressionRatio()).isCloseTo(7.08, within(0.05));
    }

    @Test
    void everyLinearAndEmbeddingWeightIsPackedAndTheLayerNormsStayFloat16() throws IOException {
        try (ModelDirectory model = ModelDirectory.open(q4.output())) {
            assertThat(model.quantizedLayers()).hasSize(36 + 3);
            assertThat(model.quantizationOf("embeddings.word_embeddings"))
                    .contains(new LayerQuantization("affine", 4, 64));
            assertThat(model.weights().info("embeddings.word_embeddings.weight").shape()).containsExactly(30522, 48);
            assertThat(model.weights().info("encoder.layer.5.intermediate.dense.scales").shape()).containsExactly(1536, 6);
            assertThat(model.weights().info("encoder.layer.5.output.LayerNorm.weight").dtype()).isEqualTo(DType.F16);
            assertThat(model.weights().metadata()).containsEntry("format", "mlx");
            assertThat(model.tokenizerFile()).isRegularFile();
            assertThat(model.pooling().normalize()).isTrue();
        }
    }

    @Test
    void theMetadataRecordsSizesSettingsSourceVersionAndTime() throws IOException {
        JsonNode m = new ObjectMapper().readTree(q8.output().resolve("conversion_metadata.json").toFile());
        JsonNode q = m.get("quantization");
        for (String key : new String[] {"original_size_mb", "actual_size_mb", "compression_ratio", "target_size_mb",
                "bits", "group_size", "mode", "rounding", "dtype"}) {
            assertThat(q.has(key)).as(key).isTrue();
        }
        assertThat(q.get("original_size_mb").asDouble()).isCloseTo(Files.size(source.resolve("model.safetensors"))
                / 1048576.0, within(1e-9));
        assertThat(q.get("actual_size_mb").asDouble()).isCloseTo(Files.size(q8.output().resolve("model.safetensors"))
                / 1048576.0, within(1e-9));
        assertThat(q.get("mode").asText()).isEqualTo("affine");
        assertThat(q.get("rounding").asText()).isEqualTo("gpu");
        assertThat(m.has("size_accuracy_ratio")).isTrue();
        assertThat(m.get("source").get("content_sha256").asText()).hasSize(64);
        assertThat(m.get("quantcheck_version").asText()).isNotBlank();
        assertThat(m.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void theFakeIsNoSmallerThanTheOriginalWhileClaimingEightBits() throws IOException {
        assertThat(Files.size(fake.output().resolve("model.safetensors")))
                .isGreaterThanOrEqualTo(Files.size(source.resolve("model.safetensors")) - 1_000_000);
        assertThat(fake.metadata().bits()).isEqualTo(8);
        assertThat(fake.metadata().sizeAccuracyRatio()).isNull();
        assertThat(fake.metadata().compressionRatio()).isCloseTo(1.0, within(0.01));
    }
}

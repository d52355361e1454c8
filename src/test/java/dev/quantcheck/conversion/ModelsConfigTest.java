package dev.quantcheck.conversion;

import dev.quantcheck.format.DType;
import dev.quantcheck.quantization.Rounding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelsConfigTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Files.createDirectories(dir.resolve("config"));
        return Files.writeString(dir.resolve("config/models.yaml"), text);
    }

    @Test
    void theShippedConfigListsTheMiniLmAtEightAndFourBits() throws IOException {
        ModelsConfig config = ModelsConfig.load(Path.of(ModelsConfig.DEFAULT_PATH));
        ModelEntry q8 = config.entry("all-minilm-l6-v2", 8);
        ModelEntry q4 = config.entry("all-minilm-l6-v2", 4);
        assertThat(q8.source()).isEqualTo("builtin:all-minilm-l6-v2");
        assertThat(q8.thresholds().meanCosine()).isEqualTo(0.999);
        assertThat(q4.thresholds().meanCosine()).isEqualTo(0.96);
        assertThat(q4.thresholds().p01Cosine()).isEqualTo(0.89);
        assertThat(q4.thresholds().top10Overlap()).isEqualTo(0.83);
        assertThat(q4.thresholds().pairwiseSpearman()).isEqualTo(0.945);
        assertThat(q4.thresholds().stsSpearmanDrop()).isEqualTo(0.01);
        assertThat(q4.thresholds().minCompressionRatio()).isEqualTo(6.0);
        assertThat(q8.conversionOptions()).isEqualTo(new ConversionOptions(8, 64, DType.F16, Rounding.GPU, false,
                java.util.Map.of(), 25.0));
        assertThat(q4.outputName()).isEqualTo("all-minilm-l6-v2-mlx-q4");
    }

    /**
     * A gate that the others already imply can never fail. For L2-normalised embeddings of d values,
     * |a - b|^2 = 2 - 2 cos, so a text at the min cosine c has an MSE of (2 - 2c) / d and no element differs by more
     * than sqrt(2 - 2c): the plan's mse <= 0.001 and max_abs_diff <= 0.5 held for any min cosine above 0.75.
     */
    @Test
    void everyShippedMseAndMaxDiffGateIsTighterThanTheMinCosineImplies() throws IOException {
        int dimension = 384; // all-minilm-l6-v2, the only model the shipped file lists
        for (ModelEntry entry : ModelsConfig.load(Path.of(ModelsConfig.DEFAULT_PATH)).models()) {
            QualityThresholds t = entry.thresholds();
            double slack = 2 - 2 * t.minCosine();
            assertThat(t.mse()).as(entry.outputName() + " mse").isLessThan(slack / dimension);
            assertThat(t.maxAbsDiff()).as(entry.outputName() + " max_abs_diff").isLessThan(Math.sqrt(slack));
            assertThat(t.p01Cosine()).as(entry.outputName() + " p01 above min").isGreaterThan(t.minCosine());
            assertThat(t.meanCosine()).as(entry.outputName() + " mean above p01").isGreaterThan(t.p01Cosine());
        }
    }

    @Test
    void theNewGatesAreReadByName() throws IOException {
        ModelsConfig config = ModelsConfig.load(yaml("""
                models:
                  - name: tiny
                    source: models/hf/tiny
                    bits: 4
                    thresholds: {p01_cosine: 0.9, top10_overlap: 0.8, pairwise_spearman: 0.95,
                                 sts_spearman_drop: 0.02, min_compression_ratio: 5}
                """));
        assertThat(config.entry("tiny", 4).thresholds()).isEqualTo(
                new QualityThresholds(null, null, null, null, 0.9, 0.8, 0.95, 0.02, 5.0));
    }

    @Test
    void defaultsAndOverridesAreRead() throws IOException {
        ModelsConfig config = ModelsConfig.load(yaml("""
                models:
                  - name: tiny
                    source: models/hf/tiny
                    bits: 4
                    layers:
                      pooler.dense: keep
                      embeddings.word_embeddings: {bits: 8}
                """));
        ModelEntry tiny = config.entry("tiny", null);
        ConversionOptions options = tiny.conversionOptions();
        assertThat(options.groupSize()).isEqualTo(64);
        assertThat(options.dtype()).isEqualTo(DType.F16);
        assertThat(options.rounding()).isEqualTo(Rounding.GPU);
        assertThat(options.overrides()).containsEntry("pooler.dense", LayerOverride.KEEP)
                .containsEntry("embeddings.word_embeddings", LayerOverride.quantize(8, 0));
        assertThat(tiny.thresholds()).isEqualTo(QualityThresholds.NONE);
        assertThat(config.sourceOf(tiny)).isEqualTo(dir.resolve("models/hf/tiny"));
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() throws IOException {
        Path file = yaml("""
                models:
                  - name: tiny
                    source: x
                    bitz: 4
                """);
        assertThatThrownBy(() -> ModelsConfig.load(file))
                .isInstanceOf(ModelsConfigException.class)
                .hasMessageStartingWith(file + ", line 4: unknown key 'bitz'")
                .hasMessageContaining("Fix: use one of bits, dtype, group_size, layers, name, rounding, source, "
                        + "target_size_mb, thresholds");
    }

    @Test
    void anUnknownThresholdIsNamedWithItsLine() throws IOException {
        Path file = yaml("""
                models:
                  - name: tiny
                    source: x
                    bits: 4
                    thresholds:
                      mean_cosin: 0.99
                """);
        assertThatThrownBy(() -> ModelsConfig.load(file))
                .hasMessageStartingWith(file + ", line 6: unknown key 'mean_cosin'")
                .hasMessageContaining("max_abs_diff, mean_cosine, min_compression_ratio, min_cosine, mse, p01_cosine");
    }

    @Test
    void aWrongTypeIsNamedWithItsLine() throws IOException {
        Path file = yaml("""
                models:
                  - name: tiny
                    source: x
                    bits: eight
                """);
        assertThatThrownBy(() -> ModelsConfig.load(file))
                .hasMessageStartingWith(file + ", line 4: ")
                .hasMessageContaining("(at models[0].bits)");
    }

    @Test
    void aQuotedNumberIsNotSilentlyCoerced() throws IOException {
        Path file = yaml("""
                models:
                  - name: tiny
                    source: x
                    bits: "8"
                """);
        assertThatThrownBy(() -> ModelsConfig.load(file)).hasMessageStartingWith(file + ", line 4: ");
    }

    @Test
    void aBadLayerOverrideIsNamedWithItsLine() throws IOException {
        Path file = yaml("""
                models:
                  - name: tiny
                    source: x
                    bits: 4
                    layers:
                      pooler.dense: skip
                """);
        assertThatThrownBy(() -> ModelsConfig.load(file))
                .hasMessageStartingWith(file + ", line 6: 'skip' is not a layer override; write keep, or "
                        + "{bits: 8, group_size: 32}");
    }

    @Test
    void unsupportedBitsAreNamed() throws IOException {
        Path file = yaml("""
                models:
                  - name: tiny
                    source: x
                    bits: 7
                """);
        assertThatThrownBy(() -> ModelsConfig.load(file))
                .hasMessage(file + ": models[0] ('tiny'): bits 7 is not supported by affine quantization; use one "
                        + "of [2, 3, 4, 5, 6, 8]");
    }

    @Test
    void aMissingBitsIsNamed() throws IOException {
        Path file = yaml("""
                models:
                  - name: tiny
                    source: x
                """);
        assertThatThrownBy(() -> ModelsConfig.load(file))
                .hasMessage(file + ": models[0] ('tiny') has no bits. Fix: add bits: 8 (or 2, 3, 4, 5, 6)");
    }

    @Test
    void aNameListedAtSeveralBitsNeedsBits() throws IOException {
        ModelsConfig config = ModelsConfig.load(Path.of(ModelsConfig.DEFAULT_PATH));
        assertThatThrownBy(() -> config.entry("all-minilm-l6-v2", null))
                .hasMessageContaining("lists 'all-minilm-l6-v2' at 8 bits and 4 bits. Fix: add --bits to choose one");
        assertThatThrownBy(() -> config.entry("all-minilm-l6-v2", 2))
                .hasMessageContaining("lists 'all-minilm-l6-v2' only at 8 bits and 4 bits");
        assertThatThrownBy(() -> config.entry("distilbert", 8))
                .hasMessageContaining("has no model named 'distilbert'. Fix: use one of all-minilm-l6-v2");
    }

    @Test
    void duplicateEntriesAreRejected() throws IOException {
        Path file = yaml("""
                models:
                  - {name: tiny, source: x, bits: 4}
                  - {name: tiny, source: y, bits: 4}
                """);
        assertThatThrownBy(() -> ModelsConfig.load(file))
                .hasMessageContaining("models[1] ('tiny') repeats the name and bits of an earlier entry");
    }
}

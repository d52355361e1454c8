package dev.quantcheck.assertions;

import dev.quantcheck.conversion.Converter;
import dev.quantcheck.conversion.ModelEntry;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.metrics.Band;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.corpus.Corpora;
import dev.quantcheck.corpus.TextCorpus;
import dev.quantcheck.testing.BuiltinTexts;
import dev.quantcheck.testing.StsData;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static dev.quantcheck.assertions.QuantCheckAssertions.assertThat;
import static dev.quantcheck.assertions.error.ShouldHaveMeanCosineAtLeast.shouldHaveMeanCosineAtLeast;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The testing plan's step 4 on real embeddings: the fp32 all-MiniLM-L6-v2 against its 8-bit conversion from
 * config/models.yaml, on the first 160 texts of the built-in corpus (and, where the STS Benchmark is there, on the
 * sentences of its first 40 pairs with their human scores), embedded by quantcheck's own encoder.
 */
class RealMiniLmComparisonTest {
    static final int TEXTS = 160;
    static final int PAIRS = 40;

    @TempDir
    static Path dir;
    static ModelEntry entry;
    static Path q8;
    static EmbeddingComparison comparison;

    @BeforeAll
    static void embed() throws IOException {
        Path original = BuiltinModels.miniLm();
        entry = ModelsConfig.loadDefault().entry(BuiltinModels.MINILM, 8);
        q8 = Converter.convert(original, dir.resolve("q8"), entry.conversionOptions(), false).output();
        List<String> texts = BuiltinTexts.first(TEXTS);
        try (Encoder fp32 = Encoder.load(original); Encoder eightBits = Encoder.load(q8)) {
            comparison = EmbeddingComparison.of(texts, fp32.embed(texts), eightBits.embed(texts));
        }
    }

    @Test
    void theEightBitConversionMeetsThePlansGatesFromModelsYaml() {
        assertThat(comparison).hasSameShape().hasNoNaNOrInf().meetsThresholds(entry.thresholds())
                .hasPercentileCosineAtLeast(1, 0.999).hasSpearmanAtLeast(0.999).hasTopKOverlapAtLeast(5, 0.9);
        Assertions.assertThat(comparison.band()).isEqualTo(Band.EXCELLENT);
        Assertions.assertThat(comparison.referenceShape().columns()).isEqualTo(384);
        assertThat(q8).isTrulyQuantized().hasBits(8).meetsTargetSize();
    }

    @Test
    @Tag(StsData.TAG)
    void theEightBitConversionRanksStsPairsLikeTheOriginal() throws IOException {
        StsData.assumePresent();
        TextCorpus sts = Corpora.sts(StsData.FILE, PAIRS);
        EmbeddingComparison scored;
        try (Encoder fp32 = Encoder.load(BuiltinModels.miniLm()); Encoder eightBits = Encoder.load(q8)) {
            scored = sts.compare(fp32.embed(sts.texts()), eightBits.embed(sts.texts()));
        }
        Assertions.assertThat(scored.sts()).isPresent();
        Assertions.assertThat(scored.sts().get().pairs()).isEqualTo(PAIRS);
        // the original ranks the pairs like people do; the 8-bit conversion keeps that, within the gate's drop
        Assertions.assertThat(scored.sts().get().reference()).isGreaterThan(0.7);
        assertThat(scored).meetsThresholds(entry.thresholds())
                .hasStsSpearmanAtLeast(scored.sts().get().reference() - entry.thresholds().stsSpearmanDrop());
    }

    @Test
    void aGateAboveWhatEightBitsReachFailsWithTheRealTexts() {
        assertThatThrownBy(() -> assertThat(comparison).hasMeanCosineAtLeast(0.99999))
                .hasMessage(shouldHaveMeanCosineAtLeast(comparison, 0.99999).create())
                .hasMessageStartingWith("expected mean cosine >= 0.99999 but was 0.99")
                .hasMessageContaining(" (EXCELLENT: > 0.99); ")
                .hasMessageContaining(" of " + comparison.comparedCount() + " texts below 0.99999; worst: 0.99");
    }
}

package dev.quantcheck.assertions;

import dev.quantcheck.conversion.Converter;
import dev.quantcheck.conversion.ModelEntry;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.metrics.Band;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.StsData;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.quantcheck.assertions.QuantCheckAssertions.assertThat;
import static dev.quantcheck.assertions.error.ShouldHaveMeanCosineAtLeast.shouldHaveMeanCosineAtLeast;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The testing plan's step 4 on real embeddings: the fp32 all-MiniLM-L6-v2 against its 8-bit conversion from
 * config/models.yaml, on the sentences of the first 40 STS pairs, embedded by quantcheck's own encoder.
 */
class RealMiniLmComparisonTest {
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

        List<String> texts = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        List<int[]> pairs = new ArrayList<>();
        List<StsData.Pair> sts = StsData.pairs().subList(0, PAIRS);
        double[] scores = new double[PAIRS];
        for (int p = 0; p < PAIRS; p++) {
            int a = index.computeIfAbsent(sts.get(p).first(), t -> add(texts, t));
            int b = index.computeIfAbsent(sts.get(p).second(), t -> add(texts, t));
            pairs.add(new int[] {a, b});
            scores[p] = sts.get(p).score();
        }
        float[][] reference;
        float[][] candidate;
        try (Encoder fp32 = Encoder.load(original); Encoder eightBits = Encoder.load(q8)) {
            reference = fp32.embed(texts);
            candidate = eightBits.embed(texts);
        }
        comparison = EmbeddingComparison.of(texts, reference, candidate).withPairs(pairs, scores);
    }

    private static int add(List<String> texts, String text) {
        texts.add(text);
        return texts.size() - 1;
    }

    @Test
    void theEightBitConversionMeetsThePlansGatesFromModelsYaml() {
        assertThat(comparison).hasSameShape().hasNoNaNOrInf().meetsThresholds(entry.thresholds())
                .hasPercentileCosineAtLeast(1, 0.999).hasSpearmanAtLeast(0.999).hasTopKOverlapAtLeast(5, 0.9)
                .hasStsSpearmanAtLeast(comparison.sts().orElseThrow().reference() - 0.01);
        Assertions.assertThat(comparison.band()).isEqualTo(Band.EXCELLENT);
        Assertions.assertThat(comparison.referenceShape().columns()).isEqualTo(384);
        assertThat(q8).isTrulyQuantized().hasBits(8).meetsTargetSize();
    }

    @Test
    void aGateAboveWhatEightBitsReachFailsWithTheRealTexts() {
        assertThatThrownBy(() -> assertThat(comparison).hasMeanCosineAtLeast(0.99999))
                .hasMessage(shouldHaveMeanCosineAtLeast(comparison, 0.99999).create())
                .hasMessageStartingWith("expected mean cosine >= 0.99999 but was 0.9999")
                .hasMessageContaining(" (EXCELLENT: > 0.99); ")
                .hasMessageContaining(" of " + comparison.comparedCount() + " texts below 0.99999; worst: 0.999");
    }
}

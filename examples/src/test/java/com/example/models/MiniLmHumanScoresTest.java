package com.example.models;

import dev.quantcheck.assertions.QuantCheckAssertions;
import dev.quantcheck.junit.Embeddings;
import dev.quantcheck.junit.ModelUnderTest;
import dev.quantcheck.junit.QuantCheckTest;
import dev.quantcheck.junit.QuantizedModelsSource;
import dev.quantcheck.junit.ReferenceEmbeddings;
import dev.quantcheck.metrics.EmbeddingComparison;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where STS Benchmark pairs with human similarity scores are at hand, the quantized models must rank them like the
 * original does: config/models.yaml's sts_spearman_drop gate, checked by meetsThresholds because this corpus
 * carries human scores. Without the file the class is skipped, before anything is converted or embedded.
 */
@QuantCheckTest
@Tag("human-scores")
@EnabledIf(value = "stsIsThere", disabledReason = "needs the STS Benchmark test pairs with human scores at "
        + MiniLmHumanScoresTest.STS + " (genre, source, year, id, score, sentence 1, sentence 2)")
class MiniLmHumanScoresTest {
    static final String STS = "../../shared/data/sts/sts-benchmark-test-part-a.tsv";

    static boolean stsIsThere() {
        return Files.isRegularFile(Path.of(STS));
    }

    @ReferenceEmbeddings(model = "all-minilm-l6-v2", corpus = STS, limit = 300)
    Embeddings sts;

    @ParameterizedTest(name = "{0} ranks sentence pairs like people do, as the original does")
    @QuantizedModelsSource(model = "all-minilm-l6-v2", bits = {8, 4})
    void humanScores(ModelUnderTest model) {
        EmbeddingComparison comparison = sts.compareWith(model.encoder());
        assertThat(comparison.sts()).isPresent();
        QuantCheckAssertions.assertThat(comparison).meetsThresholds(model.thresholds());
    }
}

package dev.quantcheck.inference;

import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ForwardTimer}: exact-length batches and the statistics; never a timing threshold. */
class ForwardTimerTest {
    @TempDir
    static Path dir;
    static Encoder tiny;

    @BeforeAll
    static void load() throws IOException {
        tiny = Encoder.load(TinyBert.builder().write(dir.resolve("tiny")), EncoderOptions.defaults().withThreads(1));
    }

    @AfterAll
    static void close() throws IOException {
        tiny.close();
    }

    @Test
    void exactBatchesHaveEveryRowAtTheAskedLengthBetweenClsAndSep() {
        TokenBatch reference = tiny.tokenize(List.of("the cat"));
        int cls = reference.ids(0)[0];
        int sep = reference.ids(0)[reference.length(0) - 1];

        TokenBatch batch = ForwardTimer.exactBatch(tiny, List.of("the cat", "a dog"), 5, 9);

        assertThat(batch.size()).isEqualTo(5);
        assertThat(batch.totalTokens()).isEqualTo(45);
        for (int i = 0; i < batch.size(); i++) {
            int[] ids = batch.ids(i);
            assertThat(ids).hasSize(9);
            assertThat(ids[0]).isEqualTo(cls);
            assertThat(ids[8]).isEqualTo(sep);
            assertThat(batch.typeIds(i)).containsOnly(0);
        }
        for (long[] row : batch.attentionMask()) {
            assertThat(row).containsOnly(1L);
        }
    }

    @Test
    void exactBatchRejectsLengthsTheModelCannotTake() {
        assertThatThrownBy(() -> ForwardTimer.sampleBatch(tiny, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ForwardTimer.sampleBatch(tiny, 1, 65)).hasMessageContaining("64 positions");
        assertThatThrownBy(() -> ForwardTimer.sampleBatch(tiny, 0, 8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timingReportsPositiveMedianAndP90() {
        ForwardTimer.Timing t = ForwardTimer.time(tiny, ForwardTimer.sampleBatch(tiny, 2, 8), 1, 5);

        assertThat(t.texts()).isEqualTo(2);
        assertThat(t.tokens()).isEqualTo(16);
        assertThat(t.iterations()).isEqualTo(5);
        assertThat(t.medianMs()).isPositive();
        assertThat(t.p90Ms()).isGreaterThanOrEqualTo(t.medianMs());
        assertThat(t.textsPerSecond()).isPositive();
    }

    @Test
    void medianAndNearestRankP90() {
        assertThat(ForwardTimer.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(ForwardTimer.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        double[] tenValues = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        assertThat(ForwardTimer.percentile(tenValues, 0.90)).isEqualTo(9);
        assertThat(ForwardTimer.percentile(new double[] {5}, 0.90)).isEqualTo(5);
    }
}

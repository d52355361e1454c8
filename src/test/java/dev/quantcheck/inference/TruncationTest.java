package dev.quantcheck.inference;

import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TruncationTest {
    @TempDir
    Path dir;

    @Test
    void aTextLongerThanThePositionsIsReportedWithWhatWasDropped() throws IOException {
        // 100,000 characters: 33,333 words of this tiny vocabulary, one token each, plus [CLS] and [SEP]
        String longText = "a man ".repeat(16_666) + "dog ";
        assertThat(longText).hasSize(100_000);
        List<String> texts = List.of("the dog is eating", longText, "a man is playing a guitar");
        try (Encoder encoder = Encoder.load(TinyBert.builder().write(dir.resolve("tiny")))) {
            Truncation t = encoder.truncation(texts);

            assertThat(t.truncated()).containsExactly(1);
            assertThat(t.maxLength()).isEqualTo(64);
            assertThat(t.longestTokens()).isEqualTo(33_333 + 2);
            assertThat(t.droppedTokens()).isEqualTo(33_335 - 64);
            assertThat(t).hasToString("1 of 3 texts cut to 64 tokens (the longest had 33,335; 33,271 tokens dropped)");
            assertThat(encoder.tokenize(texts).length(1)).isEqualTo(64);
        }
    }

    @Test
    void nothingCutSaysSo() throws IOException {
        try (Encoder encoder = Encoder.load(TinyBert.builder().write(dir.resolve("tiny")),
                EncoderOptions.defaults().withMaxLength(8))) {
            Truncation t = encoder.truncation(List.of("the dog is eating", "a man is playing"));
            assertThat(t.any()).isFalse();
            assertThat(t).hasToString("none of 2 texts cut (at most 8 tokens each)");
        }
    }
}

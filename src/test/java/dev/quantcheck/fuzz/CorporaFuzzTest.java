package dev.quantcheck.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantcheck.corpus.Corpora;
import dev.quantcheck.corpus.TextCorpus;
import dev.quantcheck.fuzz.ParserContract.AllocationBound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The corpus readers on any bytes: {@link Corpora#lines}, {@link Corpora#tsvColumn} and {@link Corpora#sts} end in
 * an {@link IOException} naming the file, or in a corpus of distinct, non-blank texts whose pairs (STS) point into
 * it, one human score each.
 *
 * <p>The TSV readers also take a number (the column, the most pairs): it is the input's first byte, read as a
 * signed byte, which reaches every branch (negative, zero, fewer and more than the file has); the file is the rest.
 */
@Timeout(10)
class CorporaFuzzTest {
    /**
     * The bytes, their decoded String and its lines (an empty line costs a String and a list slot, tens of bytes for
     * one input byte), the split fields of each TSV row, and the distinct texts kept in a hash set.
     */
    private static final AllocationBound BOUND = new AllocationBound(256 * 1024, 256);

    @TempDir
    static Path dir;

    @FuzzTest
    void lines(byte[] input) throws Exception {
        Path file = Files.write(dir.resolve("corpus.txt"), input);
        ParserContract.failsOnlyWith(IOException.class, BOUND)
                .check(file.getFileName().toString(), input.length, () -> checkTexts(Corpora.lines(file)));
    }

    @FuzzTest
    void tsvColumn(byte[] input) throws Exception {
        Path file = Files.write(dir.resolve("corpus.tsv"), fileOf(input));
        int column = numberOf(input);
        if (column < 0) {
            // a caller's mistake, not the file's: documented as IllegalArgumentException
            assertThatThrownBy(() -> Corpora.tsvColumn(file, column)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.getFileName().toString()).hasMessageContaining("column " + column);
            return;
        }
        ParserContract.failsOnlyWith(IOException.class, BOUND)
                .check(file.getFileName().toString(), input.length,
                        () -> checkTexts(Corpora.tsvColumn(file, column)));
    }

    @FuzzTest
    void sts(byte[] input) throws Exception {
        Path file = Files.write(dir.resolve("sts.tsv"), fileOf(input));
        ParserContract.failsOnlyWith(IOException.class, BOUND)
                .check(file.getFileName().toString(), input.length, () -> checkPairs(Corpora.sts(file, numberOf(input))));
    }

    private static int numberOf(byte[] input) {
        return input.length == 0 ? 0 : input[0];
    }

    private static byte[] fileOf(byte[] input) {
        return input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
    }

    private static void checkTexts(TextCorpus corpus) {
        assertThat(corpus.texts()).isNotEmpty().doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).isNotBlank());
    }

    private static void checkPairs(TextCorpus corpus) {
        assertThat(corpus.pairs()).isNotEmpty().hasSize(corpus.humanScores().length);
        for (int[] pair : corpus.pairs()) {
            assertThat(pair).hasSize(2);
            assertThat(pair[0]).isBetween(0, corpus.size() - 1);
            assertThat(pair[1]).isBetween(0, corpus.size() - 1);
        }
        assertThat(corpus.texts()).doesNotHaveDuplicates();
    }

    // ---------------------------------------------------------------- seeds: the project's fixtures

    private static byte[] fixture(String path) {
        try {
            return Files.readAllBytes(Path.of("fixtures", path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] withNumber(int number, byte[] file) {
        byte[] input = new byte[file.length + 1];
        input[0] = (byte) number;
        System.arraycopy(file, 0, input, 1, file.length);
        return input;
    }

    private static final String STS_ROWS = String.join("\n",
            "main-captions\tMSRvid\t2012test\t0001\t5.000\tA man is playing a guitar.\tA man plays the guitar.",
            "main-news\theadlines\t2013\t0002\t0.400\tA dog runs.\tStocks fell sharply.",
            "main-forums\tanswers-forums\t2015\t0003\t2.75\tA man is playing a guitar.\tSomeone cuts an onion.",
            "");

    @Test
    void validSeedsLoad() throws IOException {
        for (byte[] seed : ValidSeeds.of(getClass(), "lines", () -> Map.of(
                "short.txt", fixture("corpus/short.txt"), "chat.txt", fixture("corpus/chat.txt"))).values()) {
            checkTexts(Corpora.lines(Files.write(dir.resolve("corpus.txt"), seed)));
        }
        for (byte[] seed : ValidSeeds.of(getClass(), "tsvColumn", () -> Map.of(
                "column-1-of-support-answers.tsv", withNumber(1, fixture("tsv/support-answers.tsv")))).values()) {
            checkTexts(Corpora.tsvColumn(Files.write(dir.resolve("corpus.tsv"), fileOf(seed)), numberOf(seed)));
        }
        for (byte[] seed : ValidSeeds.of(getClass(), "sts", () -> Map.of(
                "two-of-three-pairs.tsv", withNumber(2, STS_ROWS.getBytes(StandardCharsets.UTF_8)))).values()) {
            checkPairs(Corpora.sts(Files.write(dir.resolve("sts.tsv"), fileOf(seed)), numberOf(seed)));
        }
    }
}

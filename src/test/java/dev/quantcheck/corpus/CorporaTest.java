package dev.quantcheck.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CorporaTest {
    @TempDir
    Path dir;

    @Test
    void aNameStartingWithBuiltinIsTheBuiltInCorpus() throws IOException {
        assertThat(Corpora.load("builtin:all", Corpora.ALL_PAIRS).name()).isEqualTo("builtin:all");
        assertThat(Corpora.load("builtin:news", Corpora.ALL_PAIRS).describe()).startsWith("builtin:news, ");
        assertThat(Corpora.DEFAULT).isEqualTo(BuiltinCorpus.ALL);
    }

    @Test
    void aTextFileIsOneTextPerLineBlanksSkippedRepeatsKeptOnce() throws IOException {
        Path file = Files.writeString(dir.resolve("texts.txt"), "one\n\ntwo\none\n  \nthree\n");
        TextCorpus corpus = Corpora.load(file.toString(), Corpora.ALL_PAIRS);
        assertThat(corpus.texts()).containsExactly("one", "two", "three");
        assertThat(corpus.hasPairs()).isFalse();
    }

    @Test
    void anStsFileGivesDistinctSentencesAndScoredPairs() throws IOException {
        Path file = Files.writeString(dir.resolve("pairs.tsv"), String.join("\n",
                "g\ts\t2026\t1\t4.5\tThe bus is late.\tThe bus has not come yet.",
                "g\ts\t2026\t2\t0.5\tThe bus is late.\tA cat sleeps on the sofa.",
                "g\ts\t2026\t3\t2.0\tIt rains.\tIt is sunny.\textra attribution"));
        TextCorpus all = Corpora.load(file.toString(), Corpora.ALL_PAIRS);
        assertThat(all.texts()).containsExactly("The bus is late.", "The bus has not come yet.",
                "A cat sleeps on the sofa.", "It rains.", "It is sunny.");
        assertThat(all.pairs()).containsExactly(new int[] {0, 1}, new int[] {0, 2}, new int[] {3, 4});
        assertThat(all.humanScores()).containsExactly(4.5, 0.5, 2.0);
        assertThat(all.describe()).endsWith("pairs.tsv, 5 texts, 3 STS pairs");
        assertThat(Corpora.sts(file, 2).pairs()).hasSize(2);
        // a prefix keeps the pairs wholly inside it
        TextCorpus first = all.first(3);
        assertThat(first.pairs()).containsExactly(new int[] {0, 1}, new int[] {0, 2});
        assertThat(first.humanScores()).containsExactly(4.5, 0.5);
    }

    @Test
    void aTsvColumnGivesThatColumnsTexts() throws IOException {
        Path file = Files.writeString(dir.resolve("q.tsv"), "id\tquestion\n1\tWhere is my parcel?\n2\n3\tCan I pay later?\n");
        assertThat(Corpora.tsvColumn(file, 1).texts()).containsExactly("question", "Where is my parcel?", "Can I pay later?");
        assertThatThrownBy(() -> Corpora.tsvColumn(file, 5)).hasMessageContaining("no row has a column 5");
    }

    @Test
    void badFilesAreNamedWithTheFix() throws IOException {
        assertThatThrownBy(() -> Corpora.load(dir.resolve("none.txt").toString(), 1))
                .isInstanceOf(IOException.class).hasMessageContaining("none.txt: no such corpus file. Fix: ");
        assertThatThrownBy(() -> Corpora.load(dir.toString(), 1))
                .isInstanceOf(IOException.class).hasMessageContaining(" is a folder, not a corpus file. Fix: ");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "a first line\nun caf\u00e9\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Corpora.load(latin1.toString(), 1))
                .isInstanceOf(IOException.class).hasMessage(latin1 + " line 2, byte offset 19: 0xE9 is not UTF-8 text. "
                        + "Fix: save the corpus as UTF-8, one text per line (e.g. iconv -f latin1 -t utf-8)");
        Path binary = Files.write(dir.resolve("model.bin"), new byte[] {'P', 'K', 3, 4, 0, 0, 'x'});
        assertThatThrownBy(() -> Corpora.texts(binary))
                .hasMessage(binary + " line 1, byte offset 4: a NUL byte; this looks like a binary file, not text. "
                        + "Fix: pass a UTF-8 text file with one text per line");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n\n");
        assertThatThrownBy(() -> Corpora.load(empty.toString(), 1)).hasMessageContaining("the corpus has no texts");
        Path notSts = Files.writeString(dir.resolve("bad.tsv"), "g\ts\t2026\t1\thigh\tA.\tB.\n");
        assertThatThrownBy(() -> Corpora.load(notSts.toString(), 1))
                .hasMessageContaining("bad.tsv line 1: the score (column 5) is 'high', not a number");
    }

    @Test
    void theStsFileBesideTheProjectIsFoundOnlyWhenThere() throws IOException {
        Path home = Files.createDirectories(dir.resolve("project"));
        assertThat(Corpora.stsBeside(home)).isEmpty();
        Path sts = home.resolve(Corpora.STS_BESIDE_PROJECT).normalize();
        Files.createDirectories(sts.getParent());
        Files.writeString(sts, "g\ts\t2026\t1\t4.5\tA.\tB.\n");
        assertThat(Corpora.stsBeside(home)).contains(sts);
        assertThat(List.of(Corpora.STS_BESIDE_PROJECT.toString())).containsExactly(
                Path.of("..", "shared", "data", "sts", "sts-benchmark-test-part-a.tsv").toString());
    }
}

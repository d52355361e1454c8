package dev.quantcheck.corpus;

import dev.quantcheck.inference.TextTokenizer;
import dev.quantcheck.models.BuiltinModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What fixtures/corpus/README.md promises of the built-in corpus, checked on the texts the jar ships. */
class BuiltinCorpusTest {
    static final TextCorpus ALL = BuiltinCorpus.load(BuiltinCorpus.ALL);

    @Test
    void everyFileOfTheFixtureFolderIsASectionAndEverySectionAFile() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("fixtures", "corpus"))) {
            Set<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - 4)).collect(Collectors.toSet());
            assertThat(names).containsExactlyInAnyOrderElementsOf(BuiltinCorpus.SECTIONS);
        }
    }

    @Test
    void atLeastSixHundredDistinctTextsWithNoTextInTwoSections() {
        int sum = BuiltinCorpus.SECTIONS.stream().mapToInt(s -> BuiltinCorpus.load("builtin:" + s).size()).sum();
        assertThat(ALL.size()).isGreaterThanOrEqualTo(600).isEqualTo(sum);
        assertThat(new HashSet<>(ALL.texts())).hasSize(ALL.size());
        assertThat(ALL.texts()).allSatisfy(t -> assertThat(t).isEqualTo(t.strip()).doesNotContain("\t"));
    }

    @Test
    void anyPrefixOfAllSamplesEverySection() {
        List<String> first = ALL.first(BuiltinCorpus.SECTIONS.size()).texts();
        for (int s = 0; s < BuiltinCorpus.SECTIONS.size(); s++) {
            String section = BuiltinCorpus.SECTIONS.get(s);
            assertThat(first.get(s)).as(section).isEqualTo(BuiltinCorpus.load("builtin:" + section).texts().get(0));
        }
    }

    @Test
    void paraphraseFamiliesAreWholeFoursAndStayTogetherInEachSection() {
        List<String> families = BuiltinCorpus.load("builtin:paraphrases").texts();
        assertThat(families.size() % 4).isZero();
        assertThat(families.size() / 4).isGreaterThanOrEqualTo(30);
    }

    @Test
    void severalScriptsAreThere() {
        Set<Character.UnicodeScript> scripts = EnumSet.noneOf(Character.UnicodeScript.class);
        ALL.texts().forEach(t -> t.codePoints().forEach(c -> scripts.add(Character.UnicodeScript.of(c))));
        assertThat(scripts).contains(Character.UnicodeScript.HAN, Character.UnicodeScript.ARABIC,
                Character.UnicodeScript.CYRILLIC, Character.UnicodeScript.DEVANAGARI, Character.UnicodeScript.HANGUL,
                Character.UnicodeScript.GREEK, Character.UnicodeScript.HEBREW, Character.UnicodeScript.THAI);
        assertThat(ALL.texts()).anyMatch(t -> t.codePoints().anyMatch(c -> c >= 0x1F300)); // emoji
        assertThat(ALL.texts()).anyMatch(t -> t.contains("https://"));
    }

    /**
     * Measured with MiniLM's own tokenizer: one word up to texts past 256 and past 512 word pieces. The tokenizer
     * file caps a text at 512, so each whitespace-separated word is counted alone (BERT's word pieces never cross
     * whitespace) and the counts are added.
     */
    @Test
    void lengthsRunFromOneWordToBeyondTheModelsPositions() throws IOException {
        Path tokenizer = BuiltinModels.miniLm().resolve("tokenizer.json");
        try (TextTokenizer t = TextTokenizer.load(tokenizer, 512, 0)) {
            List<Integer> pieces = ALL.texts().stream().map(text -> Stream.of(text.split("\\s+"))
                    .mapToInt(word -> t.tokens(word).size() - 2).sum()).toList();
            assertThat(pieces.stream().filter(n -> n == 1).count()).as("one word piece").isGreaterThanOrEqualTo(10);
            assertThat(pieces.stream().filter(n -> n > 256 && n <= 512).count()).as("257-512 pieces")
                    .isGreaterThanOrEqualTo(6);
            assertThat(pieces.stream().filter(n -> n > 512).count()).as("over 512 pieces").isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void anUnknownSectionIsNamedWithTheOnesThereAre() {
        assertThatThrownBy(() -> BuiltinCorpus.load("builtin:tweets"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no built-in corpus 'builtin:tweets'. Fix: use builtin:all or one of [builtin:news, ")
                .hasMessageContaining("builtin:paraphrases");
    }
}

package dev.quantcheck.testing;

import dev.quantcheck.corpus.Corpora;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The STS Benchmark sentence pairs with human similarity scores: an optional extra, on quantcheck's development
 * machines beside the project ({@link Corpora#STS_BESIDE_PROJECT}), and the only source of human scores. Tests
 * that need human scores call {@link #assumePresent()} first and are skipped, saying where to put the file, in a
 * clone with nothing beside it; every other test runs on the built-in corpus ({@link BuiltinTexts}).
 */
public final class StsData {
    /**
     * The JUnit tag of the tests that need human scores: .ci/run runs them again beside the STS file, after the
     * fresh clone that has none ({@code mvn test -Dgroups=human-scores}).
     */
    public static final String TAG = "human-scores";

    /** The file, relative to the project root (the tests' working directory). */
    public static final Path FILE = Corpora.STS_BESIDE_PROJECT;

    /** One pair: a human score from 0 (unrelated) to 5 (same meaning) and two sentences. */
    public record Pair(double score, String first, String second) {
    }

    private StsData() {
    }

    /** Whether the STS file is there; for {@code @EnabledIf("dev.quantcheck.testing.StsData#present")}. */
    public static boolean present() {
        return Files.isRegularFile(FILE);
    }

    /** Skips the calling test, saying what it needs and where to put it, unless the STS file is there. */
    public static void assumePresent() {
        Assumptions.assumeTrue(present(), () -> "needs human similarity scores: the STS Benchmark "
                + "test pairs as a TSV (genre, source, year, id, score, sentence 1, sentence 2) at "
                + FILE.toAbsolutePath().normalize() + "; absent, so this test is skipped");
    }

    public static List<Pair> pairs() {
        assumePresent();
        try {
            List<Pair> pairs = new ArrayList<>();
            for (String line : Files.readAllLines(FILE)) {
                String[] f = line.split("\t");
                if (f.length >= 7) {
                    pairs.add(new Pair(Double.parseDouble(f[4]), f[5], f[6]));
                }
            }
            return pairs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the STS data at " + FILE.toAbsolutePath(), e);
        }
    }
}

package dev.quantcheck.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The STS Benchmark sentence pairs in {@code ../shared/data/sts/} (real text with human similarity scores), which
 * every developer and CI have beside the project.
 */
public final class StsData {
    /** The file, relative to the project root (the tests' working directory). */
    public static final Path FILE = Path.of("../shared/data/sts/sts-benchmark-test-part-a.tsv");

    /** One pair: a human score from 0 (unrelated) to 5 (same meaning) and two sentences. */
    public record Pair(double score, String first, String second) {
    }

    private StsData() {
    }

    public static List<Pair> pairs() {
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
            throw new UncheckedIOException("the STS data is expected at " + FILE.toAbsolutePath(), e);
        }
    }

    /** The first {@code n} distinct sentences, in file order. */
    public static List<String> sentences(int n) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Pair p : pairs()) {
            out.add(p.first());
            out.add(p.second());
            if (out.size() >= n) {
                break;
            }
        }
        return new ArrayList<>(out).subList(0, Math.min(n, out.size()));
    }

    /** Every distinct sentence, in file order. */
    public static List<String> allSentences() {
        return sentences(Integer.MAX_VALUE);
    }
}

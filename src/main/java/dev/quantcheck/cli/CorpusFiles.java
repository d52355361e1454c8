package dev.quantcheck.cli;

import dev.quantcheck.metrics.EmbeddingComparison;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpora for {@code compare} and {@code demo}: a text file (one text per line), or the STS Benchmark pairs that
 * every quantcheck developer has in {@code ../shared/data/sts/} (sentence pairs with human similarity scores).
 */
final class CorpusFiles {
    /** Where the STS pairs are, relative to the quantcheck home, when they are there. */
    static final Path STS = Path.of("..", "shared", "data", "sts", "sts-benchmark-test-part-a.tsv");

    /** Texts, plus (for STS files) pairs of text indices with their human scores. */
    record Corpus(Path file, List<String> texts, List<int[]> pairs, double[] humanScores) {
        boolean hasPairs() {
            return !pairs.isEmpty();
        }

        /** Compares two models' embeddings of these texts, with the STS pairs and scores when there are some. */
        EmbeddingComparison compare(float[][] reference, float[][] candidate) {
            EmbeddingComparison comparison = EmbeddingComparison.of(texts, reference, candidate);
            return hasPairs() ? comparison.withPairs(pairs, humanScores) : comparison;
        }
    }

    private CorpusFiles() {
    }

    /** One text per line, blank lines skipped, duplicates kept once. */
    static Corpus lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such corpus file. Fix: pass --corpus FILE with one text per line");
        }
        List<String> texts = new ArrayList<>(new java.util.LinkedHashSet<>(Files.readAllLines(file, StandardCharsets.UTF_8)
                .stream().filter(l -> !l.isBlank()).toList()));
        if (texts.isEmpty()) {
            throw new IOException(file + ": the corpus has no texts. Fix: write one text per line");
        }
        return new Corpus(file, texts, List.of(), new double[0]);
    }

    /**
     * An STS Benchmark TSV (genre, source, year, id, score, sentence 1, sentence 2, ...): its distinct sentences
     * and the pairs with their human scores, the first {@code maxPairs} pairs.
     */
    static Corpus sts(Path file, int maxPairs) throws IOException {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<int[]> pairs = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length < 7 || pairs.size() >= maxPairs) {
                continue;
            }
            int a = index.computeIfAbsent(f[5], k -> index.size());
            int b = index.computeIfAbsent(f[6], k -> index.size());
            pairs.add(new int[] {a, b});
            scores.add(Double.parseDouble(f[4]));
        }
        return new Corpus(file, new ArrayList<>(index.keySet()), pairs,
                scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** {@code --corpus} when given, else the STS pairs beside the project, else an error that says what to pass. */
    static Corpus resolve(Path corpus, Path home, int maxPairs) throws IOException {
        if (corpus != null) {
            return corpus.getFileName().toString().endsWith(".tsv") ? sts(corpus, maxPairs) : lines(corpus);
        }
        Path sts = home.resolve(STS).normalize();
        if (Files.isRegularFile(sts)) {
            return sts(sts, maxPairs);
        }
        throw new IOException("no corpus: pass --corpus FILE (one text per line, or an STS Benchmark .tsv)");
    }
}

package dev.quantcheck.corpus;

import dev.quantcheck.metrics.EmbeddingComparison;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Texts to embed, with where they came from, and (for STS Benchmark files) pairs of text indices with their human
 * similarity scores.
 *
 * @param name        {@code builtin:all}, a section's name, or the file it was read from, for messages and reports
 * @param texts       distinct texts, in corpus order
 * @param pairs       pairs of indices into {@code texts}; empty unless the corpus has human scores
 * @param humanScores one score per pair, from 0 (unrelated) to 5 (same meaning)
 */
public record TextCorpus(String name, List<String> texts, List<int[]> pairs, double[] humanScores) {
    public TextCorpus {
        Objects.requireNonNull(name, "name");
        texts = List.copyOf(texts);
        pairs = pairs.stream().map(int[]::clone).toList();
        humanScores = humanScores.clone();
        if (pairs.size() != humanScores.length) {
            throw new IllegalArgumentException(pairs.size() + " pairs but " + humanScores.length + " human scores");
        }
    }

    /** A corpus without human scores. */
    public static TextCorpus of(String name, List<String> texts) {
        return new TextCorpus(name, texts, List.of(), new double[0]);
    }

    /** Whether the corpus has scored pairs (an STS Benchmark file). */
    public boolean hasPairs() {
        return !pairs.isEmpty();
    }

    /** The number of texts. */
    public int size() {
        return texts.size();
    }

    /**
     * The first {@code n} texts (all when {@code n} is 0 or at least the size), with the pairs that lie wholly
     * among them. The built-in corpus interleaves its sections, so any prefix of it samples every section.
     */
    public TextCorpus first(int n) {
        if (n <= 0 || n >= texts.size()) {
            return this;
        }
        List<int[]> kept = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int p = 0; p < pairs.size(); p++) {
            if (pairs.get(p)[0] < n && pairs.get(p)[1] < n) {
                kept.add(pairs.get(p));
                scores.add(humanScores[p]);
            }
        }
        return new TextCorpus(name, texts.subList(0, n), kept, scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** E.g. {@code builtin:all, 800 texts} or {@code sts.tsv, 584 texts, 300 STS pairs}. */
    public String describe() {
        return name + ", " + texts.size() + " texts" + (hasPairs() ? ", " + pairs.size() + " STS pairs" : "");
    }

    /** Compares two models' embeddings of these texts, with the STS pairs and scores when there are some. */
    public EmbeddingComparison compare(float[][] reference, float[][] candidate) {
        EmbeddingComparison comparison = EmbeddingComparison.of(texts, reference, candidate);
        return hasPairs() ? comparison.withPairs(pairs, humanScores) : comparison;
    }
}

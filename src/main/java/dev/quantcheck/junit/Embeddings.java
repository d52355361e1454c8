package dev.quantcheck.junit;

import dev.quantcheck.inference.Encoder;
import dev.quantcheck.metrics.EmbeddingComparison;

import java.util.List;

/**
 * Reference sentence embeddings of a corpus, with where they came from.
 *
 * <pre>{@code
 * EmbeddingComparison comparison = reference.compareWith(q8);
 * QuantCheckAssertions.assertThat(comparison).hasMeanCosineAtLeast(0.99);
 * }</pre>
 *
 * @param texts       the corpus, in order
 * @param vectors     one embedding per text, [texts][hidden]
 * @param origin      the model folder or golden file they came from, for messages
 * @param pairs       STS pairs of indices into {@code texts}, when the corpus has human scores; else empty
 * @param humanScores one human similarity score per pair
 */
public record Embeddings(List<String> texts, float[][] vectors, String origin, List<int[]> pairs,
                         double[] humanScores) {
    public Embeddings {
        texts = List.copyOf(texts);
        pairs = pairs.stream().map(int[]::clone).toList();
        humanScores = humanScores.clone();
        if (vectors.length != texts.size()) {
            throw new IllegalArgumentException(vectors.length + " embeddings for " + texts.size() + " texts");
        }
        if (pairs.size() != humanScores.length) {
            throw new IllegalArgumentException(pairs.size() + " pairs but " + humanScores.length + " human scores");
        }
    }

    /** Embeddings of a corpus without human scores. */
    public Embeddings(List<String> texts, float[][] vectors, String origin) {
        this(texts, vectors, origin, List.of(), new double[0]);
    }

    /** These embeddings with the STS pairs and human scores of their corpus, which comparisons then carry. */
    public Embeddings withPairs(List<int[]> pairs, double[] humanScores) {
        return new Embeddings(texts, vectors, origin, pairs, humanScores);
    }

    public int size() {
        return texts.size();
    }

    public int dimension() {
        return vectors.length == 0 ? 0 : vectors[0].length;
    }

    /**
     * Embeds the same texts with {@code candidate} and compares them with these, with the STS pairs when the
     * corpus has human scores. Inside a test run by
     * {@link QuantCheckExtension}, the headline metrics are also published as JUnit report entries; with Allure on
     * the classpath, the test's Allure result also gets the candidate model (parameters, labels, quantization
     * report), steps for embedding and comparing, the metrics JSON, the per-text CSV and plots; and when a
     * quantcheck assertion on the comparison then fails, its message says where the error enters (a layer
     * diagnosis, see {@link QuantCheckExtension}).
     */
    public EmbeddingComparison compareWith(Encoder candidate) {
        return TestReports.compare(this, candidate);
    }
}

package dev.quantcheck.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.ranking.NaNStrategy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a candidate model's embeddings of some texts compare with a reference model's embeddings of the same texts:
 * the testing plan's accuracy comparison (its step 4) as one immutable result.
 *
 * <pre>{@code
 * EmbeddingComparison c = EmbeddingComparison.of(texts, original.embed(texts), quantized.embed(texts));
 * c.meanCosine();   // 0.9987
 * c.band();         // EXCELLENT
 * c.toJson();       // what `quantcheck compare` writes to results.json
 * }</pre>
 *
 * <p>Per text: cosine similarity, mean squared error and largest absolute difference. Over all texts: mean, min and
 * max cosine and its percentiles, MSE over every element, the largest absolute difference and where it is, NaN and
 * Inf counts in each matrix, the Spearman correlation of all pairwise text similarities under the reference
 * against the same under the candidate, top-k nearest-neighbour overlap and, when STS pairs are given with
 * {@link #withPairs}, each model's Spearman correlation with the human scores.
 *
 * <p>Nothing here throws on bad embeddings, so that assertions can say what is wrong: a shape mismatch (counts or
 * lengths that differ) is reported by {@link #shapeMismatch()} and the first {@link #comparedCount()} rows are
 * compared; a row pair of different lengths, or holding NaN or Inf, has a NaN cosine, which counts as the worst:
 * it makes the mean, the minimum and every percentile that reaches it NaN, and NaN passes no threshold.
 *
 * <p>Thread-safe. Computing the comparison takes one pass over the embeddings plus the pairwise similarities
 * (all pairs up to {@value #MAX_SPEARMAN_PAIRS}, so the 689 STS sentences are exact; a fixed-seed sample above);
 * top-k overlaps are computed on first request and kept.
 */
public final class EmbeddingComparison {
    /** Pairwise similarities are computed for all text pairs up to this many, a fixed-seed sample of it above. */
    public static final int MAX_SPEARMAN_PAIRS = 250_000;
    /** Top-k overlap queries every text up to this many, evenly spaced texts above. */
    public static final int MAX_NEIGHBOUR_QUERIES = 2_000;
    /** The k of {@link #toJson()}'s top-k overlap. */
    public static final int DEFAULT_TOP_K = 10;
    /** How many of the worst texts {@link #toJson()} lists. */
    public static final int JSON_WORST = 10;
    static final long SAMPLE_SEED = 42;

    private static final Comparator<TextResult> WORST_FIRST = Comparator
            .comparingDouble((TextResult r) -> Double.isNaN(r.cosine()) ? Double.NEGATIVE_INFINITY : r.cosine())
            .thenComparingInt(TextResult::index);

    private final List<String> texts;
    private final Shape referenceShape;
    private final Shape candidateShape;
    private final String shapeMismatch;
    /** The compared rows only, copied. */
    private final float[][] reference;
    private final float[][] candidate;
    private final double[] referenceSquares;
    private final double[] candidateSquares;

    private final List<TextResult> results;
    private final double[] cosines;
    private final double meanCosine;
    private final double minCosine;
    private final double maxCosine;
    private final double mse;
    private final double maxAbsDiff;
    private final Element maxAbsDiffAt;
    private final NonFinite referenceNonFinite;
    private final NonFinite candidateNonFinite;
    private final double spearman;
    private final int spearmanPairs;
    private final long totalPairs;

    private final List<int[]> pairs;
    private final double[] humanScores;
    private final StsCorrelation sts;
    private final Map<Integer, NeighbourOverlap> overlaps;

    // ---------------------------------------------------------------- construction

    /**
     * Compares {@code candidate} with {@code reference}, row {@code i} of each being the embedding of
     * {@code texts.get(i)}. The arrays are copied.
     *
     * @throws NullPointerException when an argument, a text or a row is null (mismatched shapes are not an error)
     */
    public static EmbeddingComparison of(List<String> texts, float[][] reference, float[][] candidate) {
        Objects.requireNonNull(texts, "texts");
        requireRows(reference, "reference");
        requireRows(candidate, "candidate");
        return new EmbeddingComparison(List.copyOf(texts), reference, candidate);
    }

    private static void requireRows(float[][] matrix, String name) {
        Objects.requireNonNull(matrix, name);
        for (int i = 0; i < matrix.length; i++) {
            if (matrix[i] == null) {
                throw new NullPointerException(name + " row " + i + " is null");
            }
        }
    }

    private EmbeddingComparison(List<String> texts, float[][] reference, float[][] candidate) {
        this.texts = texts;
        this.referenceShape = Shape.of(reference);
        this.candidateShape = Shape.of(candidate);
        this.shapeMismatch = describeMismatch(texts.size(), referenceShape, candidateShape);
        this.referenceNonFinite = NonFinite.scan(reference);
        this.candidateNonFinite = NonFinite.scan(candidate);

        int n = Math.min(texts.size(), Math.min(reference.length, candidate.length));
        this.reference = copyRows(reference, n);
        this.candidate = copyRows(candidate, n);
        this.referenceSquares = squares(this.reference);
        this.candidateSquares = squares(this.candidate);

        List<TextResult> rows = new ArrayList<>(n);
        double[] cos = new double[n];
        double sumSquares = 0;
        long elements = 0;
        double largest = 0;
        Element largestAt = null;
        boolean undefinedDiff = false;
        for (int i = 0; i < n; i++) {
            RowDiff d = RowDiff.of(this.reference[i], this.candidate[i], referenceSquares[i], candidateSquares[i]);
            cos[i] = d.cosine;
            rows.add(new TextResult(i, texts.get(i), d.cosine, d.mse(), d.maxAbsDiff()));
            sumSquares += d.squares;
            elements += d.length;
            if (undefinedDiff) {
                continue;
            }
            if (d.undefinedAt >= 0) {
                undefinedDiff = true;
                largest = Double.NaN;
                largestAt = element(i, d.undefinedAt);
            } else if (d.largestAt >= 0 && (largestAt == null || d.largest > largest)) {
                largest = d.largest;
                largestAt = element(i, d.largestAt);
            }
        }
        this.results = List.copyOf(rows);
        this.cosines = cos;
        this.meanCosine = n == 0 ? Double.NaN : sum(cos) / n;
        this.minCosine = minWithNaN(cos);
        this.maxCosine = maxIgnoringNaN(cos);
        this.mse = elements == 0 ? Double.NaN : sumSquares / elements;
        this.maxAbsDiff = largestAt == null ? Double.NaN : largest;
        this.maxAbsDiffAt = largestAt;

        this.totalPairs = (long) n * (n - 1) / 2;
        double[][] sims = pairwiseSimilarities(n);
        this.spearmanPairs = sims[0].length;
        this.spearman = spearman(sims[0], sims[1]);

        this.pairs = List.of();
        this.humanScores = new double[0];
        this.sts = null;
        this.overlaps = new ConcurrentHashMap<>();
    }

    private EmbeddingComparison(EmbeddingComparison base, List<int[]> pairs, double[] humanScores) {
        this.texts = base.texts;
        this.referenceShape = base.referenceShape;
        this.candidateShape = base.candidateShape;
        this.shapeMismatch = base.shapeMismatch;
        this.reference = base.reference;
        this.candidate = base.candidate;
        this.referenceSquares = base.referenceSquares;
        this.candidateSquares = base.candidateSquares;
        this.results = base.results;
        this.cosines = base.cosines;
        this.meanCosine = base.meanCosine;
        this.minCosine = base.minCosine;
        this.maxCosine = base.maxCosine;
        this.mse = base.mse;
        this.maxAbsDiff = base.maxAbsDiff;
        this.maxAbsDiffAt = base.maxAbsDiffAt;
        this.referenceNonFinite = base.referenceNonFinite;
        this.candidateNonFinite = base.candidateNonFinite;
        this.spearman = base.spearman;
        this.spearmanPairs = base.spearmanPairs;
        this.totalPairs = base.totalPairs;
        this.overlaps = base.overlaps;
        this.pairs = pairs;
        this.humanScores = humanScores;
        double[] ref = new double[pairs.size()];
        double[] cand = new double[pairs.size()];
        for (int p = 0; p < pairs.size(); p++) {
            int a = pairs.get(p)[0];
            int b = pairs.get(p)[1];
            ref[p] = similarity(reference, referenceSquares, a, b);
            cand[p] = similarity(candidate, candidateSquares, a, b);
        }
        this.sts = new StsCorrelation(pairs.size(), spearman(ref, humanScores), spearman(cand, humanScores));
    }

    /**
     * The same comparison with STS sentence pairs: {@code pairIndices.get(p)} holds the indices into the texts of
     * pair {@code p}'s two sentences, {@code humanScores[p]} its human similarity score (0 to 5 in the STS
     * Benchmark). Replaces any pairs given before.
     *
     * @throws IllegalArgumentException when the counts differ, a pair has not exactly two indices, or an index is
     *                                  not a text's
     */
    public EmbeddingComparison withPairs(List<int[]> pairIndices, double[] humanScores) {
        Objects.requireNonNull(pairIndices, "pairIndices");
        Objects.requireNonNull(humanScores, "humanScores");
        if (pairIndices.size() != humanScores.length) {
            throw new IllegalArgumentException(pairIndices.size() + " pairs but " + humanScores.length
                    + " human scores; give one score per pair");
        }
        List<int[]> copy = new ArrayList<>(pairIndices.size());
        for (int p = 0; p < pairIndices.size(); p++) {
            int[] pair = Objects.requireNonNull(pairIndices.get(p), "pair " + p);
            if (pair.length != 2) {
                throw new IllegalArgumentException("pair " + p + " has " + pair.length + " indices; give two");
            }
            for (int index : pair) {
                if (index < 0 || index >= texts.size()) {
                    throw new IllegalArgumentException("pair " + p + " names text " + index + " but there are "
                            + texts.size() + " texts");
                }
            }
            copy.add(pair.clone());
        }
        return new EmbeddingComparison(this, List.copyOf(copy), humanScores.clone());
    }

    // ---------------------------------------------------------------- per-row arithmetic

    /** One text's comparison, accumulated in double. */
    private static final class RowDiff {
        int length;
        double cosine;
        double squares;
        double largest;
        int largestAt = -1;
        /** The first column whose difference is NaN, or the first column missing from the shorter row. */
        int undefinedAt = -1;

        static RowDiff of(float[] a, float[] b, double aa, double bb) {
            RowDiff d = new RowDiff();
            if (a.length != b.length) {
                d.length = Math.max(a.length, b.length);
                d.cosine = Double.NaN;
                d.squares = Double.NaN;
                d.largest = Double.NaN;
                d.undefinedAt = Math.min(a.length, b.length);
                return d;
            }
            d.length = a.length;
            double dot = 0;
            for (int c = 0; c < a.length; c++) {
                double x = a[c];
                double y = b[c];
                dot += x * y;
                double diff = x - y;
                d.squares += diff * diff;
                double abs = Math.abs(diff);
                if (Double.isNaN(abs)) {
                    if (d.undefinedAt < 0) {
                        d.undefinedAt = c;
                    }
                } else if (d.largestAt < 0 || abs > d.largest) {
                    d.largest = abs;
                    d.largestAt = c;
                }
            }
            d.cosine = Cosine.fromSums(dot, aa, bb);
            return d;
        }

        double mse() {
            return length == 0 ? 0 : squares / length;
        }

        double maxAbsDiff() {
            return undefinedAt >= 0 ? Double.NaN : largest;
        }
    }

    /** Cosine similarity of rows {@code i} and {@code j} of one matrix; NaN when their lengths differ. */
    private static double similarity(float[][] m, double[] squares, int i, int j) {
        if (i >= m.length || j >= m.length || m[i].length != m[j].length) {
            return Double.NaN;
        }
        float[] a = m[i];
        float[] b = m[j];
        double dot = 0;
        for (int c = 0; c < a.length; c++) {
            dot += (double) a[c] * b[c];
        }
        return Cosine.fromSums(dot, squares[i], squares[j]);
    }

    private static double[] squares(float[][] m) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            double s = 0;
            for (float v : m[i]) {
                s += (double) v * v;
            }
            out[i] = s;
        }
        return out;
    }

    private Element element(int row, int col) {
        float[] a = reference[row];
        float[] b = candidate[row];
        return new Element(row, col, col < a.length ? a[col] : Float.NaN, col < b.length ? b[col] : Float.NaN);
    }

    private static float[][] copyRows(float[][] m, int n) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }

    private static String describeMismatch(int texts, Shape reference, Shape candidate) {
        if (texts == reference.rows() && texts == candidate.rows() && reference.isRectangular()
                && candidate.isRectangular() && (texts == 0 || reference.columns() == candidate.columns())) {
            return null;
        }
        return "reference " + reference + ", candidate " + candidate + " for " + texts + " texts";
    }

    // ---------------------------------------------------------------- aggregates

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    private static double minWithNaN(double[] v) {
        double m = Double.NaN;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                return Double.NaN;
            }
            m = i == 0 ? v[i] : Math.min(m, v[i]);
        }
        return m;
    }

    private static double maxIgnoringNaN(double[] v) {
        double m = Double.NaN;
        for (double x : v) {
            if (!Double.isNaN(x) && (Double.isNaN(m) || x > m)) {
                m = x;
            }
        }
        return m;
    }

    /** [0]: reference similarities, [1]: candidate similarities, of all pairs or a fixed-seed sample. */
    private double[][] pairwiseSimilarities(int n) {
        int count = (int) Math.min(totalPairs, MAX_SPEARMAN_PAIRS);
        double[] ref = new double[count];
        double[] cand = new double[count];
        if (totalPairs <= MAX_SPEARMAN_PAIRS) {
            int p = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    ref[p] = similarity(reference, referenceSquares, i, j);
                    cand[p] = similarity(candidate, candidateSquares, i, j);
                    p++;
                }
            }
        } else {
            SplittableRandom random = new SplittableRandom(SAMPLE_SEED);
            for (int p = 0; p < count; p++) {
                int i = random.nextInt(n);
                int j = random.nextInt(n - 1);
                if (j >= i) {
                    j++;
                }
                ref[p] = similarity(reference, referenceSquares, i, j);
                cand[p] = similarity(candidate, candidateSquares, i, j);
            }
        }
        return new double[][] {ref, cand};
    }

    /** Spearman's rank correlation (ties averaged); NaN for fewer than 2 values, any NaN, or a constant side. */
    static double spearman(double[] x, double[] y) {
        if (x.length < 2) {
            return Double.NaN;
        }
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) {
                return Double.NaN;
            }
        }
        return new SpearmansCorrelation().correlation(x, y);
    }

    // ---------------------------------------------------------------- top-k

    private NeighbourOverlap computeOverlap(int k) {
        int n = comparedCount();
        int queries = Math.min(n, MAX_NEIGHBOUR_QUERIES);
        List<TextScore> perText = new ArrayList<>(queries);
        double total = 0;
        for (int q = 0; q < queries; q++) {
            int i = (int) ((long) q * n / queries);
            int[] byReference = nearest(reference, referenceSquares, i, k);
            int[] byCandidate = nearest(candidate, candidateSquares, i, k);
            int shared = 0;
            for (int a : byReference) {
                for (int b : byCandidate) {
                    if (a == b) {
                        shared++;
                        break;
                    }
                }
            }
            double fraction = (double) shared / k;
            total += fraction;
            perText.add(new TextScore(i, texts.get(i), fraction));
        }
        return new NeighbourOverlap(k, total / queries, perText);
    }

    /** The k rows most similar to row {@code i} (itself excluded); NaN similarity ranks last, ties by index. */
    private static int[] nearest(float[][] m, double[] squares, int i, int k) {
        int[] best = new int[k];
        double[] key = new double[k];
        int size = 0;
        for (int j = 0; j < m.length; j++) {
            if (j == i) {
                continue;
            }
            double s = similarity(m, squares, i, j);
            double sortKey = Double.isNaN(s) ? Double.NEGATIVE_INFINITY : s;
            if (size == k && !(sortKey > key[k - 1])) {
                continue;
            }
            int at = size == k ? k - 1 : size++;
            while (at > 0 && sortKey > key[at - 1]) {
                best[at] = best[at - 1];
                key[at] = key[at - 1];
                at--;
            }
            best[at] = j;
            key[at] = sortKey;
        }
        return best;
    }

    // ---------------------------------------------------------------- access

    /** The texts, as given. */
    public List<String> texts() {
        return texts;
    }

    /** The number of texts given. */
    public int textCount() {
        return texts.size();
    }

    /** The number of texts compared: the smallest of the text count and both matrices' row counts. */
    public int comparedCount() {
        return results.size();
    }

    public Shape referenceShape() {
        return referenceShape;
    }

    public Shape candidateShape() {
        return candidateShape;
    }

    /** True when both matrices are rectangular, of the same shape, with one row per text. */
    public boolean hasSameShape() {
        return shapeMismatch == null;
    }

    /** E.g. {@code "reference 3 x 384, candidate 3 x 256 for 3 texts"}; empty when the shapes agree. */
    public Optional<String> shapeMismatch() {
        return Optional.ofNullable(shapeMismatch);
    }

    /** One result per compared text, in text order. */
    public List<TextResult> results() {
        return results;
    }

    /** The per-text cosine similarities, in text order (a copy). */
    public double[] cosines() {
        return cosines.clone();
    }

    /** The mean of the per-text cosines; NaN when any is NaN or nothing was compared. */
    public double meanCosine() {
        return meanCosine;
    }

    /** The lowest per-text cosine; NaN when any is NaN (a NaN text is the worst) or nothing was compared. */
    public double minCosine() {
        return minCosine;
    }

    /** The highest per-text cosine, NaN texts left out; NaN when no cosine is a number. */
    public double maxCosine() {
        return maxCosine;
    }

    /**
     * The {@code p}-th percentile of the per-text cosines, interpolated linearly between order statistics as
     * {@code numpy.percentile} does (commons-math's {@code Percentile}, estimation type R_7). NaN texts sort
     * lowest, and a percentile that reaches one is NaN.
     *
     * @param p in (0, 100]
     */
    public double cosinePercentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile " + p + " is not in (0, 100]");
        }
        if (cosines.length == 0) {
            return Double.NaN;
        }
        double value = new Percentile().withEstimationType(Percentile.EstimationType.R_7)
                .withNaNStrategy(NaNStrategy.MINIMAL).evaluate(cosines, p);
        return Double.isFinite(value) ? value : Double.NaN;
    }

    /** The 1st percentile of the per-text cosines. */
    public double p01() {
        return cosinePercentile(1);
    }

    /** The 5th percentile of the per-text cosines. */
    public double p05() {
        return cosinePercentile(5);
    }

    /** The median per-text cosine. */
    public double p50() {
        return cosinePercentile(50);
    }

    /** How many compared texts have a cosine below {@code threshold}, NaN ones included. */
    public int countBelow(double threshold) {
        int count = 0;
        for (double c : cosines) {
            if (!(c >= threshold)) {
                count++;
            }
        }
        return count;
    }

    /** The {@code limit} texts with the lowest cosine, worst first (NaN first), ties in text order. */
    public List<TextResult> worst(int limit) {
        return results.stream().sorted(WORST_FIRST).limit(limit).toList();
    }

    /** Mean squared difference over every compared element; NaN when any is NaN or lengths differ. */
    public double mse() {
        return mse;
    }

    /** The largest absolute difference of one element; NaN when any difference is NaN or lengths differ. */
    public double maxAbsDiff() {
        return maxAbsDiff;
    }

    /** Where {@link #maxAbsDiff()} is (for NaN: the first undefined element); empty when nothing was compared. */
    public Optional<Element> maxAbsDiffAt() {
        return Optional.ofNullable(maxAbsDiffAt);
    }

    /** NaN and Inf in the whole reference matrix. */
    public NonFinite referenceNonFinite() {
        return referenceNonFinite;
    }

    /** NaN and Inf in the whole candidate matrix. */
    public NonFinite candidateNonFinite() {
        return candidateNonFinite;
    }

    /** NaN elements in both matrices together. */
    public long nanCount() {
        return referenceNonFinite.nanCount() + candidateNonFinite.nanCount();
    }

    /** Infinite elements in both matrices together. */
    public long infCount() {
        return referenceNonFinite.infCount() + candidateNonFinite.infCount();
    }

    /**
     * Spearman correlation between the reference's and the candidate's cosine similarities of text pairs: 1 when
     * the candidate ranks every pair of texts as the reference does. NaN with fewer than 3 texts or any NaN.
     */
    public double spearman() {
        return spearman;
    }

    /** How many text pairs {@link #spearman()} is computed on. */
    public int spearmanPairs() {
        return spearmanPairs;
    }

    /** All text pairs, {@code n (n - 1) / 2}; more than {@link #spearmanPairs()} when they were sampled. */
    public long totalPairs() {
        return totalPairs;
    }

    /** True when {@link #spearman()} is computed on a sample of the text pairs. */
    public boolean isSpearmanSampled() {
        return spearmanPairs < totalPairs;
    }

    /** The STS correlations, present once {@link #withPairs} gave pairs. */
    public Optional<StsCorrelation> sts() {
        return Optional.ofNullable(sts);
    }

    /** The STS pairs given to {@link #withPairs} (copies), empty without. */
    public List<int[]> pairs() {
        return pairs.stream().map(int[]::clone).toList();
    }

    /** The human scores given to {@link #withPairs} (a copy), empty without. */
    public double[] humanScores() {
        return humanScores.clone();
    }

    /**
     * Top-k nearest-neighbour overlap, computed on first request: O(queries x texts) similarities.
     *
     * @throws IllegalArgumentException unless {@code 1 <= k < comparedCount()}
     */
    public NeighbourOverlap topKOverlap(int k) {
        if (k < 1 || k >= comparedCount()) {
            throw new IllegalArgumentException("top-" + k + " overlap needs 1 <= k < the number of texts compared ("
                    + comparedCount() + ")");
        }
        return overlaps.computeIfAbsent(k, this::computeOverlap);
    }

    /** The band of the mean cosine. */
    public Band band() {
        return Band.of(meanCosine);
    }

    /** The comparison as {@code quantcheck compare} writes it to {@code results.json}; see {@link ComparisonJson}. */
    public ObjectNode toJson() {
        return ComparisonJson.of(this);
    }

    @Override
    public String toString() {
        return "EmbeddingComparison[" + textCount() + " texts, mean cosine " + meanCosine + " (" + band().label()
                + "), min " + minCosine + ", MSE " + mse + ", max abs diff " + maxAbsDiff
                + (shapeMismatch == null ? "" : ", shapes differ: " + shapeMismatch) + "]";
    }
}

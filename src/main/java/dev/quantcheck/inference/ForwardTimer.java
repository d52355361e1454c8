package dev.quantcheck.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Quick wall-clock timings of forward passes, for the {@code bench} command and the demo: warm up, then time each
 * pass with {@link System#nanoTime()} and report the median and the 90th percentile. These are not JMH numbers
 * (no forks, no blackholes, about +-15% on a shared machine); {@code benchmarks/} and {@code docs/PERFORMANCE.md}
 * hold those.
 *
 * <pre>{@code
 * TokenBatch batch = ForwardTimer.sampleBatch(encoder, 8, 128);   // 8 texts of exactly 128 tokens
 * ForwardTimer.Timing t = ForwardTimer.time(encoder, batch, 5, 20);
 * System.out.printf("%.1f ms median, %.0f texts/s%n", t.medianMs(), t.textsPerSecond());
 * }</pre>
 */
public final class ForwardTimer {
    /** Plain English sentences that {@link #sampleBatch} cuts its token rows from. */
    public static final List<String> SAMPLE_TEXTS = List.of(
            "A man is playing a guitar on the steps of an old church.",
            "The quarterly report shows that revenue grew faster than expected in every region.",
            "Quantized encoders keep their weights packed in memory and dequantize them in registers.",
            "A girl is brushing her hair while her brother reads a book about volcanoes.",
            "Heavy rain is expected tomorrow, so the outdoor concert has been moved indoors.",
            "Please restart the server after the configuration file has been updated.",
            "Two dogs are running through a field of tall grass towards a small lake.",
            "The committee approved the new budget after a long and heated discussion.");

    /** Keeps the JIT from treating a forward pass as dead code. */
    private static volatile float sink;

    private ForwardTimer() {
    }

    /**
     * Times of one batch's forward passes.
     *
     * @param texts      texts per forward pass
     * @param tokens     real tokens per forward pass (all texts together)
     * @param iterations timed passes
     * @param medianMs   median milliseconds per pass
     * @param p90Ms      90th percentile (nearest rank) milliseconds per pass
     */
    public record Timing(int texts, int tokens, int iterations, double medianMs, double p90Ms) {
        /** Texts per second at the median time. */
        public double textsPerSecond() {
            return texts * 1000.0 / medianMs;
        }

        /** Tokens per second at the median time. */
        public double tokensPerSecond() {
            return tokens * 1000.0 / medianMs;
        }
    }

    /**
     * Runs {@code warmup} untimed forward passes of {@code batch}, then {@code iterations} timed ones.
     *
     * @throws IllegalArgumentException when {@code warmup < 0} or {@code iterations < 1}
     */
    public static Timing time(Encoder encoder, TokenBatch batch, int warmup, int iterations) {
        if (warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("warmup " + warmup + " must be >= 0 and iterations " + iterations
                    + " >= 1");
        }
        for (int i = 0; i < warmup; i++) {
            consume(encoder.forward(batch, false));
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            EncoderOutput output = encoder.forward(batch, false);
            ms[i] = (System.nanoTime() - start) / 1e6;
            consume(output);
        }
        return new Timing(batch.size(), batch.totalTokens(), iterations, median(ms), percentile(ms, 0.90));
    }

    /** {@link #exactBatch} cut from {@link #SAMPLE_TEXTS}. */
    public static TokenBatch sampleBatch(Encoder encoder, int texts, int tokensPerText) {
        return exactBatch(encoder, SAMPLE_TEXTS, texts, tokensPerText);
    }

    /**
     * A batch of {@code texts} rows of exactly {@code tokensPerText} tokens each, so that no engine pads and every
     * engine does the same work: {@code [CLS]}, then the word pieces of {@code source} (special tokens removed)
     * read as one stream that continues from row to row and starts over when it runs out, then {@code [SEP]}.
     * The special tokens are the ones the model's tokenizer puts around a text. Token type ids are 0.
     *
     * @throws IllegalArgumentException when {@code texts < 1}, {@code tokensPerText < 2} or above the model's
     *                                  positions, or {@code source} has no word pieces
     */
    public static TokenBatch exactBatch(Encoder encoder, List<String> source, int texts, int tokensPerText) {
        int positions = encoder.config().maxPositions();
        if (tokensPerText > positions) {
            throw new IllegalArgumentException("tokens per text " + tokensPerText + " exceed the model's "
                    + positions + " positions");
        }
        return exactBatch(encoder::tokenize, source, texts, tokensPerText, encoder.config().padTokenId());
    }

    /**
     * {@link #exactBatch(Encoder, List, int, int)} with a tokenizer alone, for engines that are not an
     * {@link Encoder} (ONNX Runtime in the JMH benchmarks) but must see the same ids. The caller checks the
     * length against the model's positions; the rows need no padding, so the pad id is 0.
     */
    public static TokenBatch exactBatch(TextTokenizer tokenizer, List<String> source, int texts, int tokensPerText) {
        return exactBatch(tokenizer::encode, source, texts, tokensPerText, 0);
    }

    private static TokenBatch exactBatch(Function<List<String>, TokenBatch> tokenize, List<String> source,
                                         int texts, int tokensPerText, int padId) {
        if (texts < 1 || tokensPerText < 2) {
            throw new IllegalArgumentException("texts " + texts + " must be >= 1 and tokens per text "
                    + tokensPerText + " >= 2 ([CLS] and [SEP])");
        }
        TokenBatch tokenized = tokenize.apply(source);
        List<Integer> pieces = new ArrayList<>();
        int cls = -1;
        int sep = -1;
        for (int i = 0; i < tokenized.size(); i++) {
            int[] ids = tokenized.ids(i);
            if (ids.length < 3) {
                continue;
            }
            cls = ids[0];
            sep = ids[ids.length - 1];
            for (int j = 1; j < ids.length - 1; j++) {
                pieces.add(ids[j]);
            }
        }
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException("the source texts have no word pieces to build a batch from");
        }
        int[][] ids = new int[texts][tokensPerText];
        int next = 0;
        for (int[] row : ids) {
            row[0] = cls;
            for (int t = 1; t < tokensPerText - 1; t++) {
                row[t] = pieces.get(next);
                next = (next + 1) % pieces.size();
            }
            row[tokensPerText - 1] = sep;
        }
        return new TokenBatch(ids, new int[texts][tokensPerText], padId);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Nearest-rank percentile: the smallest value with at least {@code p} of the values at or below it. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static void consume(EncoderOutput output) {
        float[][] first = output.lastHiddenState(0);
        sink = first[0][0];
    }
}

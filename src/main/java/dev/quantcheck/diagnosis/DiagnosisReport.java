package dev.quantcheck.diagnosis;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a candidate's hidden states drift from the reference's: one {@link LayerError} per row, the embeddings
 * first, then every transformer layer. Immutable.
 *
 * <p>How to read it. <b>Accumulated</b> error is what a user of the candidate sees after that row: both models run
 * end to end, so it contains every error made so far, shrunk or amplified by the later layers (LayerNorm and the
 * residual stream often damp it; a bad layer can blow it up). <b>Introduced</b> error isolates one row: the
 * candidate's layer is fed the reference's own input to that layer, so upstream errors are absent and only that
 * layer's weights speak. The largest introduced error is where the error enters ({@link #worstLayer()}); the
 * sub-layers of each layer ({@link LayerError#subLayers()}), each also fed the reference's input to that very
 * projection, name the weight to blame ({@link #worstSubLayer()}) — a candidate to keep at more bits. When the
 * introduced errors are small everywhere but the accumulated error still grows, the model amplifies small errors
 * and no single layer is at fault. Relative errors are {@code ||c - r|| / ||r||} over all real tokens; cosines are
 * per token.
 */
public final class DiagnosisReport {
    /**
     * Introduced relative errors below this are float rounding, not a weight's fault: the Vector API kernels can
     * round the same input differently once the JIT compiles them, so a model against itself shows about 1e-7.
     */
    public static final double ROUNDING_NOISE = 1e-5;

    private final String reference;
    private final String candidate;
    private final int texts;
    private final long tokens;
    private final List<LayerError> layers;

    DiagnosisReport(String reference, String candidate, int texts, long tokens, List<LayerError> layers) {
        this.reference = reference;
        this.candidate = candidate;
        this.texts = texts;
        this.tokens = tokens;
        this.layers = List.copyOf(layers);
    }

    /** The reference model's folder. */
    public String reference() {
        return reference;
    }

    /** The candidate model's folder. */
    public String candidate() {
        return candidate;
    }

    public int textCount() {
        return texts;
    }

    /** Real tokens compared per hidden state, over all texts. */
    public long tokenCount() {
        return tokens;
    }

    /** The embeddings, then transformer layer 0, 1, ...: {@code numLayers + 1} rows, never empty. */
    public List<LayerError> layers() {
        return layers;
    }

    /** The row after which the candidate's final hidden state is compared: the last layer. */
    public LayerError last() {
        return layers.get(layers.size() - 1);
    }

    /**
     * The row with the largest introduced relative error (NaN counts as largest); empty when no row introduces any
     * error at all.
     */
    public Optional<LayerError> worstLayer() {
        return layers.stream().filter(l -> l.introduced().relativeError() != 0)
                .max(Comparator.comparingDouble(l -> l.introduced().relativeError()));
    }

    /** The sub-layer with the largest relative error over all layers; empty when every sub-layer is exact. */
    public Optional<SubLayerError> worstSubLayer() {
        return layers.stream().flatMap(l -> l.subLayers().stream()).filter(s -> s.relativeError() != 0)
                .max(Comparator.comparingDouble(SubLayerError::relativeError));
    }

    /** {@code row}'s introduced relative error over the sum of all rows': in [0, 1], NaN when undefined. */
    public double introducedShare(LayerError row) {
        double total = layers.stream().mapToDouble(l -> l.introduced().relativeError()).sum();
        return row.introduced().relativeError() / total;
    }

    /**
     * One line for a failure message, e.g. {@code error enters mostly at layer 3 (introduced relative error 0.041,
     * 38% of the total); worst sub-layer encoder.layer.3.output.dense (relative error 0.052)}, where the total is
     * the sum of every row's introduced relative error. Starts with {@code no error} when every row is exact or
     * introduces less than {@link #ROUNDING_NOISE}.
     */
    public String summary() {
        Optional<LayerError> worst = worstLayer();
        if (worst.isEmpty()) {
            return "no error: the candidate's hidden states equal the reference's at every layer";
        }
        LayerError w = worst.get();
        if (w.introduced().relativeError() < ROUNDING_NOISE) {
            return String.format(Locale.ROOT, "no error beyond float rounding: the largest introduced relative error "
                    + "is %s (%s)", number(w.introduced().relativeError()), w.label());
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "error enters mostly at %s (introduced relative error %s, %s of the total)", w.label(),
                number(w.introduced().relativeError()), percent(introducedShare(w))));
        worstSubLayer().ifPresent(sub -> s.append(String.format(Locale.ROOT, "; worst sub-layer %s (relative error %s)",
                sub.name(), number(sub.relativeError()))));
        return s.toString();
    }

    /**
     * As JSON, snake_case: {@code reference}, {@code candidate}, {@code n_texts}, {@code n_tokens}, {@code summary},
     * {@code worst_layer}, {@code worst_sub_layer} (names, or null) and {@code layers[]}, each with {@code name},
     * {@code hidden_state}, {@code accumulated} and {@code introduced} ({@code mean_cosine}, {@code min_cosine},
     * {@code worst_cosine}, {@code relative_error}), {@code introduced_share} and {@code sub_layers[]}
     * ({@code name}, {@code sub_layer}, {@code relative_error}). NaN and infinities are written as null.
     */
    public ObjectNode toJson() {
        return DiagnosisJson.of(this);
    }

    /** A table, one row per layer, then the summary. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "layer diagnosis: %s vs %s, %d texts, %d tokens%n", candidate, reference,
                texts, tokens));
        String row = "%-24s %9s %9s %9s | %9s %9s %9s | %s%n";
        s.append(String.format(Locale.ROOT, row, "", "accum.", "", "", "intro.", "", "", "").replace(" | \n", "\n"));
        s.append(String.format(Locale.ROOT, row, "layer", "mean cos", "min cos", "rel err", "mean cos", "min cos",
                "rel err", "worst sub-layer (rel err)"));
        for (LayerError l : layers) {
            String sub = l.worstSubLayer().map(w -> w.name().substring(l.name().length() + 1) + " ("
                    + number(w.relativeError()) + ")").orElse("-");
            s.append(String.format(Locale.ROOT, row, l.name(), cosine(l.accumulated().meanCosine()),
                    cosine(l.accumulated().minCosine()), number(l.accumulated().relativeError()),
                    cosine(l.introduced().meanCosine()), cosine(l.introduced().minCosine()),
                    number(l.introduced().relativeError()), sub));
        }
        return s.append(summary()).toString();
    }

    private static String cosine(double c) {
        return String.format(Locale.ROOT, "%.6f", c);
    }

    /** 3 significant digits, plain for everyday sizes: 0.041, 0.00123, 1.20e-07; NaN and Infinity as Java writes. */
    static String number(double x) {
        if (x == 0 || !Double.isFinite(x)) {
            return x == 0 ? "0" : Double.toString(x);
        }
        if (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e6) {
            return String.format(Locale.ROOT, "%.2e", x);
        }
        return new BigDecimal(x).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String percent(double share) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%.0f%%", 100 * share) : "?%";
    }
}

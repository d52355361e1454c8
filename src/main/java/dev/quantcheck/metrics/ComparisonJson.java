package dev.quantcheck.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@link EmbeddingComparison#toJson()}: the {@code results.json} of {@code quantcheck compare}.
 *
 * <pre>{@code
 * {"n_texts": 689, "n_compared": 689,
 *  "shape": {"reference": [689, 384], "candidate": [689, 384], "same": true, "mismatch": null},
 *  "cosine": {"mean": 0.9987, "min": 0.9952, "max": 0.9998, "p01": 0.996, "p05": 0.997, "p50": 0.9989},
 *  "mse": 3.1e-6, "max_abs_diff": 0.0089,
 *  "max_abs_diff_at": {"text": 17, "dimension": 112, "reference": 0.0412, "candidate": 0.0323},
 *  "nan_count": 0, "inf_count": 0,
 *  "non_finite": {"reference": {"nan": 0, "inf": 0}, "candidate": {"nan": 0, "inf": 0}},
 *  "spearman": 0.9991, "spearman_pairs": 237016, "spearman_sampled": false,
 *  "top_k": {"k": 10, "overlap": 0.97, "queries": 689},
 *  "sts": {"pairs": 344, "spearman_reference": 0.82, "spearman_candidate": 0.82},
 *  "band": "EXCELLENT", "band_label": "EXCELLENT: > 0.99",
 *  "worst": [{"index": 12, "text": "The chef slices a ripe tomato.", "cosine": 0.9952}, ...]}
 * }</pre>
 *
 * <p>{@code nan_count} and {@code inf_count} count both matrices together ({@code non_finite} splits them).
 * JSON has no NaN or Infinity, so an undefined or infinite number is written as null. {@code top_k} is for
 * k = min(10, n_compared - 1) and null below 2 texts; {@code sts} is null without STS pairs.
 */
final class ComparisonJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ComparisonJson() {
    }

    static ObjectNode of(EmbeddingComparison c) {
        ObjectNode root = JSON.createObjectNode();
        root.put("n_texts", c.textCount());
        root.put("n_compared", c.comparedCount());
        ObjectNode shape = root.putObject("shape");
        putShape(shape, "reference", c.referenceShape());
        putShape(shape, "candidate", c.candidateShape());
        shape.put("same", c.hasSameShape());
        shape.put("mismatch", c.shapeMismatch().orElse(null));

        ObjectNode cosine = root.putObject("cosine");
        number(cosine, "mean", c.meanCosine());
        number(cosine, "min", c.minCosine());
        number(cosine, "max", c.maxCosine());
        number(cosine, "p01", c.comparedCount() == 0 ? Double.NaN : c.p01());
        number(cosine, "p05", c.comparedCount() == 0 ? Double.NaN : c.p05());
        number(cosine, "p50", c.comparedCount() == 0 ? Double.NaN : c.p50());
        number(root, "mse", c.mse());
        number(root, "max_abs_diff", c.maxAbsDiff());
        c.maxAbsDiffAt().ifPresentOrElse(e -> {
            ObjectNode at = root.putObject("max_abs_diff_at");
            at.put("text", e.text());
            at.put("dimension", e.dimension());
            number(at, "reference", asDouble(e.reference()));
            number(at, "candidate", asDouble(e.candidate()));
        }, () -> root.putNull("max_abs_diff_at"));

        root.put("nan_count", c.nanCount());
        root.put("inf_count", c.infCount());
        ObjectNode nonFinite = root.putObject("non_finite");
        nonFinite.putObject("reference").put("nan", c.referenceNonFinite().nanCount())
                .put("inf", c.referenceNonFinite().infCount());
        nonFinite.putObject("candidate").put("nan", c.candidateNonFinite().nanCount())
                .put("inf", c.candidateNonFinite().infCount());

        number(root, "spearman", c.spearman());
        root.put("spearman_pairs", c.spearmanPairs());
        root.put("spearman_sampled", c.isSpearmanSampled());
        int k = Math.min(EmbeddingComparison.DEFAULT_TOP_K, c.comparedCount() - 1);
        if (k >= 1) {
            NeighbourOverlap overlap = c.topKOverlap(k);
            ObjectNode topK = root.putObject("top_k");
            topK.put("k", k);
            number(topK, "overlap", overlap.mean());
            topK.put("queries", overlap.queries());
        } else {
            root.putNull("top_k");
        }
        c.sts().ifPresentOrElse(s -> {
            ObjectNode sts = root.putObject("sts");
            sts.put("pairs", s.pairs());
            number(sts, "spearman_reference", s.reference());
            number(sts, "spearman_candidate", s.candidate());
        }, () -> root.putNull("sts"));

        Band band = c.band();
        root.put("band", band.name());
        root.put("band_label", band.label());
        ArrayNode worst = root.putArray("worst");
        for (TextResult r : c.worst(EmbeddingComparison.JSON_WORST)) {
            ObjectNode w = worst.addObject();
            w.put("index", r.index());
            w.put("text", r.text());
            number(w, "cosine", r.cosine());
            number(w, "mse", r.mse());
            number(w, "max_abs_diff", r.maxAbsDiff());
        }
        return root;
    }

    private static void putShape(ObjectNode parent, String name, Shape shape) {
        ArrayNode a = parent.putArray(name);
        a.add(shape.rows());
        if (shape.isRectangular()) {
            a.add(shape.columns());
        } else {
            a.addNull();
        }
    }

    /** The float's shortest decimal, so 0.1f is written 0.1 and not 0.10000000149011612. */
    private static double asDouble(float f) {
        return Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : Double.NaN;
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }
}

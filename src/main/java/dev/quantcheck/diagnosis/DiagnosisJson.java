package dev.quantcheck.diagnosis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@link DiagnosisReport#toJson()}. JSON has no NaN or Infinity: such numbers are written as null. */
final class DiagnosisJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DiagnosisJson() {
    }

    static ObjectNode of(DiagnosisReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("reference", report.reference());
        root.put("candidate", report.candidate());
        root.put("n_texts", report.textCount());
        root.put("n_tokens", report.tokenCount());
        root.put("summary", report.summary());
        root.put("worst_layer", report.worstLayer().map(LayerError::name).orElse(null));
        root.put("worst_sub_layer", report.worstSubLayer().map(SubLayerError::name).orElse(null));
        ArrayNode layers = root.putArray("layers");
        for (LayerError l : report.layers()) {
            ObjectNode o = layers.addObject();
            o.put("name", l.name());
            o.put("hidden_state", l.hiddenState());
            state(o.putObject("accumulated"), l.accumulated());
            state(o.putObject("introduced"), l.introduced());
            number(o, "introduced_share", report.introducedShare(l));
            ArrayNode subs = o.putArray("sub_layers");
            for (SubLayerError s : l.subLayers()) {
                ObjectNode so = subs.addObject();
                so.put("name", s.name());
                so.put("sub_layer", s.subLayer().name());
                number(so, "relative_error", s.relativeError());
            }
        }
        return root;
    }

    private static void state(ObjectNode o, StateError e) {
        number(o, "mean_cosine", e.meanCosine());
        number(o, "min_cosine", e.minCosine());
        number(o, "worst_cosine", e.worstCosine());
        number(o, "relative_error", e.relativeError());
    }

    private static void number(ObjectNode o, String field, double value) {
        if (Double.isFinite(value)) {
            o.put(field, value);
        } else {
            o.putNull(field);
        }
    }
}

package dev.quantcheck.diagnosis;

import dev.quantcheck.format.Architecture;
import dev.quantcheck.inference.Encoder;

/** The model's own module names (as in its weight file) for the rows and sub-layers of a diagnosis. */
final class ModuleNames {
    private final String prefix;
    private final boolean bert;

    ModuleNames(Encoder encoder) {
        this.prefix = encoder.model().weightPrefix();
        this.bert = encoder.model().architecture() == Architecture.BERT;
    }

    String embeddings() {
        return prefix + "embeddings";
    }

    /** {@code encoder.layer.3}, DistilBERT {@code transformer.layer.3}. */
    String layer(int layer) {
        return prefix + (bert ? "encoder.layer." : "transformer.layer.") + layer;
    }

    /** {@code encoder.layer.3.intermediate.dense}, DistilBERT {@code transformer.layer.3.ffn.lin1}. */
    String subLayer(int layer, Encoder.SubLayer subLayer) {
        return layer(layer) + "." + (bert ? bertName(subLayer) : distilBertName(subLayer));
    }

    private static String bertName(Encoder.SubLayer s) {
        return switch (s) {
            case QUERY -> "attention.self.query";
            case KEY -> "attention.self.key";
            case VALUE -> "attention.self.value";
            case ATTENTION_OUTPUT -> "attention.output.dense";
            case INTERMEDIATE -> "intermediate.dense";
            case OUTPUT -> "output.dense";
        };
    }

    private static String distilBertName(Encoder.SubLayer s) {
        return switch (s) {
            case QUERY -> "attention.q_lin";
            case KEY -> "attention.k_lin";
            case VALUE -> "attention.v_lin";
            case ATTENTION_OUTPUT -> "attention.out_lin";
            case INTERMEDIATE -> "ffn.lin1";
            case OUTPUT -> "ffn.lin2";
        };
    }
}

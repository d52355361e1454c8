package dev.quantcheck.testing;

/** Hugging Face DistilBERT's weight names for BERT's, for tests that rewrite a BERT as a DistilBERT. */
public final class DistilBertNames {
    private DistilBertNames() {
    }

    /** The DistilBERT name of a BERT tensor ({@code encoder.layer.3.output.LayerNorm.weight} -> {@code transformer.layer.3.output_layer_norm.weight}). */
    public static String of(String bert) {
        return bert.replace("encoder.layer.", "transformer.layer.")
                .replace("attention.self.query", "attention.q_lin")
                .replace("attention.self.key", "attention.k_lin")
                .replace("attention.self.value", "attention.v_lin")
                .replace("attention.output.dense", "attention.out_lin")
                .replace("attention.output.LayerNorm", "sa_layer_norm")
                .replace("intermediate.dense", "ffn.lin1")
                .replace("output.dense", "ffn.lin2")
                .replace("output.LayerNorm", "output_layer_norm");
    }
}

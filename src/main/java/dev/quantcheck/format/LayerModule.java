package dev.quantcheck.format;

/**
 * The modules of one transformer layer, with their Hugging Face names in each architecture: the one place that
 * spells BERT's and DistilBERT's layer names.
 */
public enum LayerModule {
    QUERY("attention.self.query", "attention.q_lin"),
    KEY("attention.self.key", "attention.k_lin"),
    VALUE("attention.self.value", "attention.v_lin"),
    ATTENTION_OUTPUT("attention.output.dense", "attention.out_lin"),
    ATTENTION_NORM("attention.output.LayerNorm", "sa_layer_norm"),
    INTERMEDIATE("intermediate.dense", "ffn.lin1"),
    OUTPUT("output.dense", "ffn.lin2"),
    OUTPUT_NORM("output.LayerNorm", "output_layer_norm");

    private final String bert;
    private final String distilBert;

    LayerModule(String bert, String distilBert) {
        this.bert = bert;
        this.distilBert = distilBert;
    }

    /** The module's name inside its layer, e.g. {@code intermediate.dense} or {@code ffn.lin1}. */
    public String nameIn(Architecture architecture) {
        return architecture == Architecture.BERT ? bert : distilBert;
    }

    /** The module's path without weight prefix, e.g. {@code encoder.layer.3.intermediate.dense}. */
    public String path(Architecture architecture, int layer) {
        return architecture.layerPath(layer) + "." + nameIn(architecture);
    }
}

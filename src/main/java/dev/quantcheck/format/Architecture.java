package dev.quantcheck.format;

import java.util.Locale;

/** The encoder families quantcheck runs. */
public enum Architecture {
    /** BERT and its small relatives (all-MiniLM-L6-v2, bert-base): Hugging Face {@code model_type "bert"}. */
    BERT("bert"),
    /** DistilBERT: {@code model_type "distilbert"}. */
    DISTILBERT("distilbert");

    private final String modelType;

    Architecture(String modelType) {
        this.modelType = modelType;
    }

    /** The Hugging Face {@code model_type} string. */
    public String modelType() {
        return modelType;
    }

    /** Layer {@code layer}'s module path: {@code encoder.layer.3}, or DistilBERT's {@code transformer.layer.3}. */
    public String layerPath(int layer) {
        return (this == BERT ? "encoder.layer." : "transformer.layer.") + layer;
    }

    /** The architecture of a {@code model_type}, or null when quantcheck does not run it. */
    static Architecture ofModelType(String modelType) {
        for (Architecture a : values()) {
            if (a.modelType.equals(modelType.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        return null;
    }

    /** The architecture of a Hugging Face class name such as {@code BertModel} or {@code DistilBertForMaskedLM}. */
    static Architecture ofClassName(String className) {
        if (className.startsWith("DistilBert")) {
            return DISTILBERT;
        }
        if (className.startsWith("Bert")) {
            return BERT;
        }
        return null;
    }
}

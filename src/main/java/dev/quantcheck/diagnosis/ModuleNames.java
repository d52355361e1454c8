package dev.quantcheck.diagnosis;

import dev.quantcheck.format.Architecture;
import dev.quantcheck.inference.Encoder;

/** The model's own module names (as in its weight file) for the rows and sub-layers of a diagnosis. */
final class ModuleNames {
    private final String prefix;
    private final Architecture architecture;

    ModuleNames(Encoder encoder) {
        this.prefix = encoder.model().weightPrefix();
        this.architecture = encoder.model().architecture();
    }

    String embeddings() {
        return prefix + "embeddings";
    }

    /** {@code encoder.layer.3}, DistilBERT {@code transformer.layer.3}. */
    String layer(int layer) {
        return prefix + architecture.layerPath(layer);
    }

    /** {@code encoder.layer.3.intermediate.dense}, DistilBERT {@code transformer.layer.3.ffn.lin1}. */
    String subLayer(int layer, Encoder.SubLayer subLayer) {
        return prefix + subLayer.module().path(architecture, layer);
    }
}

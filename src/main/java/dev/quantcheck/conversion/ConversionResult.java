package dev.quantcheck.conversion;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link Converter#convert}.
 *
 * @param output    the converted model folder
 * @param skipped   true when an existing output made the same way was kept instead of converting again
 * @param metadata  what {@code conversion_metadata.json} records
 * @param decisions per layer, what was done (empty when skipped)
 */
public record ConversionResult(Path output, boolean skipped, ConversionMetadata metadata,
                               List<LayerDecision> decisions) {
    public ConversionResult {
        decisions = List.copyOf(decisions);
    }

    /** How many layers were quantized. */
    public long quantizedLayers() {
        return decisions.stream().filter(LayerDecision::quantized).count();
    }
}

package dev.quantcheck.inspection;

import dev.quantcheck.format.NonFiniteValues;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ModelInspector} found in a model folder.
 *
 * @param model       the folder
 * @param verdict     the model's verdict, decided on its candidate layers (see {@link Verdict})
 * @param evidence    one readable sentence on why, without the verdict's name
 * @param tensorBytes the sum of all tensors' stored bytes (also the sum of the layers' {@link LayerReport#bytes()})
 * @param fileBytes   the weight files' size on disk, headers included
 * @param weights     the number of weights the model sees, packed layers counted unpacked
 * @param layers      one per module or tensor, in name order with layer numbers compared as numbers
 */
public record InspectionReport(Path model, Verdict verdict, String evidence, long tensorBytes, long fileBytes,
                               long weights, List<LayerReport> layers) {

    public InspectionReport {
        layers = List.copyOf(layers);
    }

    /** {@code tensorBytes * 8 / weights}: 32 for an fp32 model, about 4.6 for a 4-bit gs64 one. */
    public double averageBitsPerWeight() {
        return weights == 0 ? 0 : tensorBytes * 8.0 / weights;
    }

    /** The Linear and Embedding weights, the layers the verdict is decided on. */
    public List<LayerReport> candidates() {
        return layers.stream().filter(LayerReport::candidate).toList();
    }

    /** The layer whose name is {@code name}. */
    public LayerReport layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(model + " has no layer '" + name + "'"));
    }

    /** Every tensor with NaN or Inf, in layer order. */
    public List<NonFiniteValues> nonFinite() {
        return layers.stream().flatMap(l -> l.nonFinite().stream()).toList();
    }

    /** {@code "FAKE_QUANTIZED: " + evidence}: the verdict in one line. */
    public String verdictLine() {
        return verdict + ": " + evidence;
    }
}

package dev.quantcheck.diagnosis;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One row of a {@link DiagnosisReport}: the embeddings, or one transformer layer.
 *
 * @param name        the model's module name: {@code embeddings}, {@code encoder.layer.3} (DistilBERT:
 *                    {@code transformer.layer.3}), with the model's weight prefix if it has one
 * @param hiddenState the hidden state this row produces, as {@code EncoderOutput.hiddenState} counts: 0 for the
 *                    embeddings, {@code l + 1} for transformer layer {@code l}
 * @param accumulated candidate end to end vs reference end to end, after this row: all error so far
 * @param introduced  the candidate's row fed the reference's input vs the reference's row: the error this row adds
 *                    on its own (for the embeddings, whose input is the token ids, the same as accumulated)
 * @param subLayers   the six linear sub-layers in running order, each fed the reference's input; empty for the
 *                    embeddings
 */
public record LayerError(String name, int hiddenState, StateError accumulated, StateError introduced,
                         List<SubLayerError> subLayers) {
    public LayerError {
        subLayers = List.copyOf(subLayers);
    }

    public boolean isEmbeddings() {
        return hiddenState == 0;
    }

    /** {@code "the embeddings"} or {@code "layer 3"} (the 0-based index of the module name), for sentences. */
    public String label() {
        return isEmbeddings() ? "the embeddings" : "layer " + (hiddenState - 1);
    }

    /** The sub-layer with the largest relative error (NaN counts as largest); empty for the embeddings. */
    public Optional<SubLayerError> worstSubLayer() {
        return subLayers.stream().max(Comparator.comparingDouble(SubLayerError::relativeError));
    }
}

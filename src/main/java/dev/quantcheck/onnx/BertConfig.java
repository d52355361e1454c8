package dev.quantcheck.onnx;

/**
 * The architecture of a BERT encoder as read from an ONNX graph: every value comes from a weight's shape or from
 * a constant or operator in the graph, none is assumed.
 *
 * @param hiddenSize            width of the word embeddings
 * @param numHiddenLayers       number of {@code encoder.layer.N} blocks
 * @param numAttentionHeads     from the attention's reshape to {@code [.., heads, head_dim]}, cross-checked with
 *                              its {@code 1/sqrt(head_dim)} scale
 * @param intermediateSize      width of {@code intermediate.dense}
 * @param vocabSize             rows of the word embeddings
 * @param maxPositionEmbeddings rows of the position embeddings
 * @param typeVocabSize         rows of the token-type embeddings
 * @param layerNormEps          the constant added to the variance in the layer norms, as the shortest decimal
 *                              that gives back the graph's float32 value
 * @param hiddenAct             the Hugging Face name of the feed-forward activation, e.g. {@code gelu}
 * @param hasPooler             whether {@code pooler.dense} is part of the export
 */
public record BertConfig(int hiddenSize, int numHiddenLayers, int numAttentionHeads, int intermediateSize,
                         int vocabSize, int maxPositionEmbeddings, int typeVocabSize, double layerNormEps,
                         String hiddenAct, boolean hasPooler) {

    /** {@code hiddenSize / numAttentionHeads}. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }
}

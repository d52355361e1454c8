package dev.quantcheck.inference;

import java.util.List;

/**
 * The result of a forward pass over a ragged batch: each text's token states, flattened, real tokens only.
 *
 * <p>{@link #lastHiddenState(int)} is Hugging Face's {@code last_hidden_state} for one text without its
 * padding; {@link #hiddenState(int, int)} gives the state after the embeddings (layer 0) or after transformer
 * layer {@code l} (1..layers), when the pass was asked to keep them.
 */
public final class EncoderOutput {
    private final TokenBatch batch;
    private final int hidden;
    private final int[] offsets;
    private final float[] last;
    private final List<float[]> layers;

    EncoderOutput(TokenBatch batch, int hidden, int[] offsets, float[] last, List<float[]> layers) {
        this.batch = batch;
        this.hidden = hidden;
        this.offsets = offsets;
        this.last = last;
        this.layers = layers;
    }

    public TokenBatch batch() {
        return batch;
    }

    public int hiddenSize() {
        return hidden;
    }

    /** [length(text)][hidden] states after the last layer. */
    public float[][] lastHiddenState(int text) {
        return slice(last, text);
    }

    /** True when the pass kept every layer's states. */
    public boolean hasHiddenStates() {
        return !layers.isEmpty();
    }

    /** Number of kept states: embeddings plus one per layer. */
    public int hiddenStateCount() {
        return layers.size();
    }

    /** [length(text)][hidden] states after layer {@code layer} (0 = embeddings). */
    public float[][] hiddenState(int layer, int text) {
        if (layers.isEmpty()) {
            throw new IllegalStateException("the forward pass did not keep hidden states; ask for them");
        }
        return slice(layers.get(layer), text);
    }

    private float[][] slice(float[] states, int text) {
        int length = batch.length(text);
        float[][] out = new float[length][hidden];
        for (int t = 0; t < length; t++) {
            System.arraycopy(states, (offsets[text] + t) * hidden, out[t], 0, hidden);
        }
        return out;
    }
}

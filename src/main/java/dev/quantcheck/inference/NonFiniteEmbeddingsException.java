package dev.quantcheck.inference;

import dev.quantcheck.format.NonFiniteValues;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Embeddings came out with NaN or Inf from finite weights: the forward pass overflowed. Thrown instead of returning
 * them, because a NaN compares false with every threshold and could pass a gate unnoticed.
 */
public final class NonFiniteEmbeddingsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** How a user measures non-finite values on purpose; part of every message that refuses them. */
    static final String HOW_TO_ALLOW = "allow non-finite values (--allow-non-finite, "
            + "EncoderOptions.withNonFiniteAllowed(true) or @QuantizedModel(allowNonFinite = true))";
    private static final int NAMED = 3;

    private final transient List<Integer> texts;

    private NonFiniteEmbeddingsException(String message, List<Integer> texts) {
        super(message);
        this.texts = List.copyOf(texts);
    }

    /** The indices of the texts whose embeddings hold NaN or Inf. */
    public List<Integer> texts() {
        return texts;
    }

    /** Throws when any embedding holds a non-finite value; {@code describe} names text {@code i}. */
    static void check(Path model, float[][] embeddings, IntFunction<String> describe) {
        List<Integer> bad = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (int i = 0; i < embeddings.length; i++) {
            NonFiniteValues row = NonFiniteValues.scan("text " + i, embeddings[i], new long[] {embeddings[i].length});
            if (row != null) {
                bad.add(i);
                if (named.size() < NAMED) {
                    named.add(describe.apply(i) + " (" + row.nanCount() + " NaN, " + row.infCount() + " Inf)");
                }
            }
        }
        if (!bad.isEmpty()) {
            throw new NonFiniteEmbeddingsException(model + ": " + bad.size() + " of " + embeddings.length
                    + " embeddings hold NaN or Inf, e.g. " + String.join("; ", named) + ". The weights are finite, so "
                    + "the forward pass overflowed. Fix: find the layer where it starts with quantcheck compare "
                    + "--per-layer; to measure these embeddings as they are, " + HOW_TO_ALLOW, bad);
        }
    }
}

package dev.quantcheck.format;

/**
 * How token states become one sentence embedding, as a sentence-transformers model declares it in
 * {@code modules.json} and {@code 1_Pooling/config.json}.
 *
 * @param mode      which tokens are combined, and how
 * @param normalize whether the embedding is divided by its L2 norm (a {@code Normalize} module is present)
 */
public record Pooling(Mode mode, boolean normalize) {
    /** Pooling modes of sentence-transformers and mlx-embeddings. */
    public enum Mode {
        /** Mean over tokens whose attention mask is 1 (the default). */
        MEAN,
        /** The first token ({@code [CLS]}). */
        CLS,
        /** Element-wise max over real tokens. */
        MAX,
        /** The last real token. */
        LAST_TOKEN
    }

    /** What a model without sentence-transformers files gets: mean pooling, not normalised. */
    public static final Pooling DEFAULT = new Pooling(Mode.MEAN, false);
}

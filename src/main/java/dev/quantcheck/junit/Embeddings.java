package dev.quantcheck.junit;

import java.util.List;

/**
 * Reference sentence embeddings of a corpus, with where they came from.
 *
 * @param texts   the corpus, in order
 * @param vectors one embedding per text, [texts][hidden]
 * @param origin  the model folder or golden file they came from, for messages
 */
public record Embeddings(List<String> texts, float[][] vectors, String origin) {
    public Embeddings {
        texts = List.copyOf(texts);
        if (vectors.length != texts.size()) {
            throw new IllegalArgumentException(vectors.length + " embeddings for " + texts.size() + " texts");
        }
    }

    public int size() {
        return texts.size();
    }

    public int dimension() {
        return vectors.length == 0 ? 0 : vectors[0].length;
    }
}

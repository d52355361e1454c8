package dev.quantcheck.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;

/** Facts about a Hugging Face {@code tokenizer.json} that can be read without loading the tokenizer. */
public final class TokenizerFiles {
    private TokenizerFiles() {
    }

    /**
     * The number of token ids the tokenizer can produce: one more than the largest id in its vocabulary and its
     * added tokens.
     */
    public static int vocabularySize(Path tokenizerJson) throws ModelDirectoryException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new ModelDirectoryException(tokenizerJson, "it is not valid JSON",
                    "copy tokenizer.json from the original model");
        }
        JsonNode vocab = root == null ? null : root.path("model").get("vocab");
        if (vocab == null) {
            throw new ModelDirectoryException(tokenizerJson, "there is no model.vocab",
                    "use a Hugging Face tokenizers file (tokenizer.json), not a vocab.txt or a config");
        }
        int maxId = -1;
        if (vocab.isObject()) {
            for (JsonNode id : vocab) {
                maxId = Math.max(maxId, id.asInt());
            }
        } else if (vocab.isArray()) {
            maxId = vocab.size() - 1; // Unigram: the id is the position
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asInt(-1));
        }
        return maxId + 1;
    }
}

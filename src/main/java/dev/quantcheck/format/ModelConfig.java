package dev.quantcheck.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

/**
 * The numbers of a Hugging Face {@code config.json} that an encoder needs, under one set of names whatever the
 * architecture (DistilBERT calls {@code hidden_size} {@code dim}, and so on).
 *
 * @param raw the whole config as read, for writers that must keep unknown keys
 */
public record ModelConfig(Architecture architecture,
                          int hiddenSize,
                          int numLayers,
                          int numHeads,
                          int intermediateSize,
                          int vocabSize,
                          int maxPositions,
                          int typeVocabSize,
                          double layerNormEps,
                          String hiddenAct,
                          int padTokenId,
                          ObjectNode raw) {

    /** DistilBERT has no eps in its config; Hugging Face hard-codes 1e-12. */
    private static final double DISTILBERT_EPS = 1e-12;

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /**
     * Reads the fields of {@code architecture} from {@code raw}.
     *
     * @throws ModelDirectoryException naming {@code file} and the field when one is missing or of the wrong type
     */
    static ModelConfig parse(Path file, Architecture architecture, ObjectNode raw) throws ModelDirectoryException {
        Fields f = new Fields(file, raw);
        ModelConfig config;
        if (architecture == Architecture.DISTILBERT) {
            config = new ModelConfig(architecture,
                    f.integer("dim"), f.integer("n_layers"), f.integer("n_heads"), f.integer("hidden_dim"),
                    f.integer("vocab_size"), f.integer("max_position_embeddings"), 0, DISTILBERT_EPS,
                    f.text("activation", "gelu"), f.integerOr("pad_token_id", 0), raw);
        } else {
            config = new ModelConfig(architecture,
                    f.integer("hidden_size"), f.integer("num_hidden_layers"), f.integer("num_attention_heads"),
                    f.integer("intermediate_size"), f.integer("vocab_size"), f.integer("max_position_embeddings"),
                    f.integerOr("type_vocab_size", 2), f.number("layer_norm_eps", 1e-12),
                    f.text("hidden_act", "gelu"), f.integerOr("pad_token_id", 0), raw);
        }
        if (config.numHeads <= 0 || config.hiddenSize % config.numHeads != 0) {
            throw new ModelDirectoryException(file, "hidden size " + config.hiddenSize
                    + " is not divisible by the number of attention heads " + config.numHeads,
                    "correct the heads or the hidden size to the model's real values");
        }
        return config;
    }

    /** Typed access to config fields with errors that name the field. */
    private record Fields(Path file, ObjectNode raw) {
        int integer(String name) throws ModelDirectoryException {
            JsonNode n = raw.get(name);
            if (n == null) {
                throw new ModelDirectoryException(file, "the field \"" + name + "\" is missing",
                        "add \"" + name + "\" with the model's value (see its original config.json)");
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
                throw new ModelDirectoryException(file, "the field \"" + name + "\" is " + n
                        + ", not a non-negative integer", "write \"" + name + "\" as a whole number");
            }
            return n.intValue();
        }

        int integerOr(String name, int fallback) throws ModelDirectoryException {
            JsonNode n = raw.get(name);
            return n == null || n.isNull() ? fallback : integer(name);
        }

        double number(String name, double fallback) throws ModelDirectoryException {
            JsonNode n = raw.get(name);
            if (n == null) {
                return fallback;
            }
            if (!n.isNumber()) {
                throw new ModelDirectoryException(file, "the field \"" + name + "\" is " + n + ", not a number",
                        "write \"" + name + "\" as a number, e.g. 1e-12");
            }
            return n.doubleValue();
        }

        String text(String name, String fallback) throws ModelDirectoryException {
            JsonNode n = raw.get(name);
            if (n == null) {
                return fallback;
            }
            if (!n.isTextual()) {
                throw new ModelDirectoryException(file, "the field \"" + name + "\" is " + n + ", not a string",
                        "write \"" + name + "\" as a string such as \"gelu\"");
            }
            return n.textValue();
        }
    }
}

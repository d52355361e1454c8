package dev.quantcheck.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.format.AtomicFiles;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Golden reference embeddings on disk (JSON): the vectors and what they depend on — the model's fingerprint, the
 * tokenizer's hash, the pooling and the corpus hash.
 *
 * <p>Written only when {@code -Dquantcheck.updateGoldens=true}, and never when the environment says {@code CI=true};
 * a missing golden is a test failure that says how to create it; a golden made from another model, tokenizer,
 * pooling or corpus is a configuration error.
 */
final class GoldenFile {
    static final String UPDATE_PROPERTY = "quantcheck.updateGoldens";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a golden's embeddings depend on. */
    record Identity(String modelFingerprint, String tokenizerSha256, String pooling, String corpusSha256) {
        Identity withCorpus(String corpusSha256) {
            return new Identity(modelFingerprint, tokenizerSha256, pooling, corpusSha256);
        }
    }

    private GoldenFile() {
    }

    static Embeddings readOrWrite(Path file, Identity expected, List<String> texts, Supplier<float[][]> compute) {
        boolean update = Boolean.getBoolean(UPDATE_PROPERTY);
        // -Dquantcheck.ci overrides the environment, so that this rule itself can be tested inside CI
        boolean ci = Boolean.parseBoolean(System.getProperty("quantcheck.ci", System.getenv("CI")));
        if (update && ci) {
            throw new GoldenConfigurationException("refusing to write the golden " + file.toAbsolutePath()
                    + " because CI=true: goldens are reviewed changes, made on a developer's machine with "
                    + "-D" + UPDATE_PROPERTY + "=true and committed");
        }
        if (update) {
            float[][] vectors = compute.get();
            write(file, expected, texts, vectors);
            return new Embeddings(texts, vectors, file.toString());
        }
        if (!Files.exists(file)) {
            throw new AssertionFailedError("the golden " + file.toAbsolutePath() + " does not exist. Create it by "
                    + "running this test once with -D" + UPDATE_PROPERTY + "=true (e.g. mvn test -D"
                    + UPDATE_PROPERTY + "=true -Dtest=...), review it and commit it");
        }
        return read(file, expected, texts);
    }

    private static Embeddings read(Path file, Identity expected, List<String> texts) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new GoldenConfigurationException("the golden " + file + " is not readable JSON (" + e.getMessage()
                    + "); recreate it with -D" + UPDATE_PROPERTY + "=true");
        }
        List<String> differences = new ArrayList<>();
        compare(differences, "model fingerprint", root.path("model_fingerprint").asText(), expected.modelFingerprint());
        compare(differences, "tokenizer hash", root.path("tokenizer_sha256").asText(), expected.tokenizerSha256());
        compare(differences, "pooling", root.path("pooling").asText(), expected.pooling());
        compare(differences, "corpus hash", root.path("corpus_sha256").asText(), expected.corpusSha256());
        if (!differences.isEmpty()) {
            throw new GoldenConfigurationException("the golden " + file + " was made from another "
                    + String.join(", ", differences) + "; this is a configuration error, not a quality failure. "
                    + "Point the test at the right model and corpus, or recreate the golden with -D"
                    + UPDATE_PROPERTY + "=true and review the change");
        }
        JsonNode rows = root.path("embeddings");
        if (!rows.isArray() || rows.size() != texts.size()) {
            throw new GoldenConfigurationException("the golden " + file + " has " + describe(rows)
                    + " under \"embeddings\" for " + texts.size() + " texts; recreate it with -D" + UPDATE_PROPERTY
                    + "=true");
        }
        float[][] vectors = new float[rows.size()][];
        for (int i = 0; i < vectors.length; i++) {
            JsonNode row = rows.get(i);
            if (!row.isArray() || row.size() != rows.get(0).size()) {
                throw new GoldenConfigurationException("the golden " + file + " has " + describe(row)
                        + " at embeddings[" + i + "], where embeddings[0] has " + describe(rows.get(0))
                        + "; every embedding is an array of the same width. Recreate it with -D" + UPDATE_PROPERTY
                        + "=true");
            }
            vectors[i] = new float[row.size()];
            for (int j = 0; j < row.size(); j++) {
                if (!row.get(j).isNumber()) {
                    throw new GoldenConfigurationException("the golden " + file + " has " + row.get(j)
                            + " at embeddings[" + i + "][" + j + "], not a number; recreate it with -D"
                            + UPDATE_PROPERTY + "=true");
                }
                vectors[i][j] = (float) row.get(j).asDouble();
            }
        }
        return new Embeddings(texts, vectors, file.toString());
    }

    private static String describe(JsonNode node) {
        return node.isArray() ? "an array of " + node.size() : node.isMissingNode() ? "nothing" : "a JSON "
                + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static void compare(List<String> out, String what, String recorded, String expected) {
        if (!recorded.equals(expected)) {
            out.add(what + " (golden " + abbreviate(recorded) + ", now " + abbreviate(expected) + ")");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 16 ? s.substring(0, 12) + "..." : s;
    }

    private static void write(Path file, Identity identity, List<String> texts, float[][] vectors) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model_fingerprint", identity.modelFingerprint());
        root.put("tokenizer_sha256", identity.tokenizerSha256());
        root.put("pooling", identity.pooling());
        root.put("corpus_sha256", identity.corpusSha256());
        root.put("texts", texts.size());
        ArrayNode rows = root.putArray("embeddings");
        for (float[] v : vectors) {
            ArrayNode row = rows.addArray();
            for (float x : v) {
                row.add(x);
            }
        }
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new GoldenConfigurationException("cannot write the golden " + file + ": " + e);
        }
    }

    /** A golden that cannot be used as configured: a setup error, reported apart from quality failures. */
    static final class GoldenConfigurationException extends org.junit.jupiter.api.extension.ParameterResolutionException {
        private static final long serialVersionUID = 1L;

        GoldenConfigurationException(String message) {
            super(message);
        }
    }
}

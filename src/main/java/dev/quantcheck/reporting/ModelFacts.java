package dev.quantcheck.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantcheck.format.ModelDirectory;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What a report says about one model: the values that identify it (stable from run to run) and where it lies
 * (which varies). Read from the model folder's {@code conversion_metadata.json}; a float model has 0 bits.
 *
 * @param name      the model's name, e.g. {@code all-minilm-l6-v2} (an entry of {@code config/models.yaml}, or the
 *                  source folder's name)
 * @param bits      bits per weight, 0 for a float model
 * @param groupSize the quantization group size, 0 for a float model
 * @param rounding  {@code gpu} or {@code cpu}, empty when unknown
 * @param dtype     the dtype of scales and biases, e.g. {@code float16}, empty when unknown
 * @param fake      made by {@code --fake}: float32 weights on a quantization grid
 * @param path      the model folder
 */
public record ModelFacts(String name, int bits, int groupSize, String rounding, String dtype, boolean fake, Path path) {

    /** The facts of an opened model folder; {@code name} may be null to take the source folder's name. */
    public static ModelFacts of(String name, ModelDirectory model) {
        JsonNode meta = model.conversionMetadata().orElse(null);
        if (meta == null) {
            int bits = model.quantization().map(q -> q.global().bits()).orElse(0);
            int group = model.quantization().map(q -> q.global().groupSize()).orElse(0);
            return new ModelFacts(name != null ? name : folderName(model.path()), bits, group, "", "", false,
                    model.path());
        }
        JsonNode q = meta.path("quantization");
        String source = meta.path("source").path("path").asText("");
        String derived = source.isEmpty() ? folderName(model.path()) : folderName(Path.of(source));
        return new ModelFacts(name != null ? name : derived, q.path("bits").asInt(), q.path("group_size").asInt(),
                q.path("rounding").asText(""), q.path("dtype").asText(""),
                meta.path("converter").asText("").contains("--fake"), model.path());
    }

    /** {@code "q8"}, {@code "q4"}, {@code "q8-fake"}, or {@code "float"} for a float model: the Allure story. */
    public String bitsLabel() {
        if (bits == 0) {
            return "float";
        }
        return "q" + bits + (fake ? "-fake" : "");
    }

    /** E.g. {@code all-minilm-l6-v2 q4 g32}. */
    public String title() {
        return bits == 0 ? name + " (float)" : String.format(Locale.ROOT, "%s %s g%d", name, bitsLabel(), groupSize);
    }

    private static String folderName(Path path) {
        Path file = path.getFileName();
        return file == null ? path.toString() : file.toString();
    }
}

package dev.quantcheck.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.QuantCheck;
import dev.quantcheck.format.DType;
import dev.quantcheck.quantization.Rounding;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code conversion_metadata.json} records about a conversion: sizes (in MB of 2^20 bytes, the unit of the
 * testing plan's "253 MB"), settings, the source's content hash, the quantcheck version and the time.
 *
 * <p>The JSON keeps the field names of the testing plan that started this project ({@code
 * quantization.original_size_mb}, {@code actual_size_mb}, {@code compression_ratio}, {@code target_size_mb},
 * {@code size_accuracy_ratio}), so its scripts and ours read the same files.
 *
 * @param originalSizeMb   the source's weight files
 * @param actualSizeMb     the converted weight file
 * @param targetSizeMb     the size the conversion should reach, or null when none was set
 * @param fake             made by {@code --fake}, the deliberate reproduction of the v1 bug
 * @param layerOverrides   per-layer overrides by module path, as {@link LayerOverride#toString()} spells them
 */
public record ConversionMetadata(double originalSizeMb, double actualSizeMb, Double targetSizeMb,
                                 int bits, int groupSize, String mode, String rounding, String dtype, boolean fake,
                                 int quantizedLayers, int keptLayers, Map<String, String> layerOverrides,
                                 String sourcePath, String sourceSha256, String quantcheckVersion, String createdAt) {
    static final double BYTES_PER_MB = 1024.0 * 1024.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ConversionMetadata {
        layerOverrides = Map.copyOf(new TreeMap<>(layerOverrides));
    }

    /** original / actual: how many times smaller the conversion is. */
    public double compressionRatio() {
        return originalSizeMb / actualSizeMb;
    }

    /** actual / target (below 1 beats the target), or null without a target. */
    public Double sizeAccuracyRatio() {
        return targetSizeMb == null ? null : actualSizeMb / targetSizeMb;
    }

    static ConversionMetadata of(long originalBytes, long actualBytes, ConversionOptions options,
                                 List<LayerDecision> decisions, Path source, String sourceHash, Instant now) {
        int quantized = (int) decisions.stream().filter(LayerDecision::quantized).count();
        Map<String, String> overrides = new TreeMap<>();
        options.overrides().forEach((k, v) -> overrides.put(k, v.toString()));
        return new ConversionMetadata(originalBytes / BYTES_PER_MB, actualBytes / BYTES_PER_MB,
                options.targetSizeMb(), options.bits(), options.groupSize(), "affine",
                options.rounding().name().toLowerCase(java.util.Locale.ROOT), options.dtype().configName(),
                options.fake(), quantized, decisions.size() - quantized, overrides,
                source.toAbsolutePath().toString(), sourceHash, QuantCheck.version(), now.toString());
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode q = root.putObject("quantization");
        q.put("original_size_mb", originalSizeMb);
        q.put("actual_size_mb", actualSizeMb);
        q.put("compression_ratio", compressionRatio());
        if (targetSizeMb == null) {
            q.putNull("target_size_mb");
        } else {
            q.put("target_size_mb", targetSizeMb);
        }
        q.put("bits", bits);
        q.put("group_size", groupSize);
        q.put("mode", mode);
        q.put("rounding", rounding);
        q.put("dtype", dtype);
        q.put("quantized_layers", quantizedLayers);
        q.put("kept_layers", keptLayers);
        ObjectNode overrides = q.putObject("layer_overrides");
        layerOverrides.forEach(overrides::put);
        if (sizeAccuracyRatio() == null) {
            root.putNull("size_accuracy_ratio");
        } else {
            root.put("size_accuracy_ratio", sizeAccuracyRatio());
        }
        root.putObject("source").put("path", sourcePath).put("content_sha256", sourceSha256);
        root.put("converter", fake ? "quantcheck --fake (reproduces the v1 fake-quantization bug on purpose)"
                : "quantcheck");
        root.put("quantcheck_version", quantcheckVersion);
        root.put("created_at", createdAt);
        return root;
    }

    static ConversionMetadata fromJson(JsonNode root) {
        JsonNode q = root.path("quantization");
        Map<String, String> overrides = new TreeMap<>();
        q.path("layer_overrides").properties().forEach(e -> overrides.put(e.getKey(), e.getValue().asText()));
        JsonNode target = q.path("target_size_mb");
        return new ConversionMetadata(q.path("original_size_mb").asDouble(), q.path("actual_size_mb").asDouble(),
                target.isNumber() ? target.asDouble() : null, q.path("bits").asInt(), q.path("group_size").asInt(),
                q.path("mode").asText("affine"), q.path("rounding").asText(), q.path("dtype").asText(),
                root.path("converter").asText().contains("--fake"), q.path("quantized_layers").asInt(),
                q.path("kept_layers").asInt(), overrides, root.path("source").path("path").asText(),
                root.path("source").path("content_sha256").asText(), root.path("quantcheck_version").asText(),
                root.path("created_at").asText());
    }

    /** The settings in which a recorded conversion differs from {@code options} on {@code sourceHash}, in words. */
    static List<String> differences(JsonNode recorded, ConversionOptions options, String sourceHash) {
        ConversionMetadata m = fromJson(recorded);
        ConversionMetadata wanted = of(0, 1, options, List.of(), Path.of(""), sourceHash, Instant.EPOCH);
        List<String> out = new ArrayList<>();
        compare(out, "bits", m.bits, wanted.bits);
        compare(out, "group size", m.groupSize, wanted.groupSize);
        compare(out, "dtype", m.dtype, wanted.dtype);
        compare(out, "rounding", m.rounding, wanted.rounding);
        compare(out, "fake", m.fake, wanted.fake);
        compare(out, "target size MB", m.targetSizeMb, wanted.targetSizeMb);
        compare(out, "layer overrides", m.layerOverrides, wanted.layerOverrides);
        if (!m.sourceSha256.equals(sourceHash)) {
            out.add("the source's content changed since");
        }
        return out;
    }

    private static void compare(List<String> out, String what, Object recorded, Object wanted) {
        if (!Objects.equals(recorded, wanted)) {
            out.add(what + " " + recorded + " there, " + wanted + " now");
        }
    }

    /** The dtype as a {@link DType}. */
    public DType weightDtype() {
        return DType.fromConfigName(dtype);
    }

    /** The rounding as a {@link Rounding}. */
    public Rounding roundingMode() {
        return Rounding.valueOf(rounding.toUpperCase(java.util.Locale.ROOT));
    }
}

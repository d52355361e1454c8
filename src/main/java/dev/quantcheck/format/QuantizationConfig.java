package dev.quantcheck.format;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code quantization} block of an MLX {@code config.json}: global group size, bits and mode, and per-layer
 * entries keyed by module path. A per-layer entry is either {@code false} (the layer is kept in float) or an
 * object whose missing keys take the <em>mode's</em> defaults, not the global values, as MLX's
 * {@code nn.quantize} does. An absent {@code mode} means affine (files written before MLX 0.29).
 */
public record QuantizationConfig(LayerQuantization global, Map<String, Optional<LayerQuantization>> perLayer) {
    static final Set<String> MODES = Set.of("affine", "mxfp4", "mxfp8", "nvfp4");
    private static final Set<String> GLOBAL_KEYS = Set.of("group_size", "bits", "mode", "quantize_input");

    public QuantizationConfig {
        perLayer = Collections.unmodifiableMap(new TreeMap<>(perLayer));
    }

    /**
     * The quantization of the module at {@code path}: its per-layer entry when there is one (empty when the entry
     * says {@code false}), else the global one.
     */
    public Optional<LayerQuantization> forLayer(String path) {
        return perLayer.getOrDefault(path, Optional.of(global));
    }

    /**
     * Parses the block from a config, looking under {@code quantization}, then {@code quantization_config}.
     *
     * @return empty when the config has neither
     */
    static Optional<QuantizationConfig> parse(Path file, JsonNode config) throws ModelDirectoryException {
        JsonNode block = config.get("quantization");
        if (block == null) {
            block = config.get("quantization_config");
        }
        if (block == null || block.isNull()) {
            return Optional.empty();
        }
        if (!block.isObject()) {
            throw new ModelDirectoryException(file, "\"quantization\" is " + block + ", not an object",
                    "write it as {\"group_size\": 64, \"bits\": 4, \"mode\": \"affine\"}");
        }
        String mode = mode(file, block, "quantization");
        LayerQuantization defaults = LayerQuantization.modeDefaults(mode);
        LayerQuantization global = new LayerQuantization(mode,
                positive(file, block, "bits", defaults.bits(), "quantization"),
                positive(file, block, "group_size", defaults.groupSize(), "quantization"));
        Map<String, Optional<LayerQuantization>> perLayer = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : block.properties()) {
            if (GLOBAL_KEYS.contains(e.getKey())) {
                continue;
            }
            JsonNode entry = e.getValue();
            String where = "quantization." + e.getKey();
            if (entry.isBoolean()) {
                perLayer.put(e.getKey(), entry.booleanValue() ? Optional.of(global) : Optional.empty());
            } else if (entry.isObject()) {
                String layerMode = mode(file, entry, where);
                LayerQuantization d = LayerQuantization.modeDefaults(layerMode);
                perLayer.put(e.getKey(), Optional.of(new LayerQuantization(layerMode,
                        positive(file, entry, "bits", d.bits(), where),
                        positive(file, entry, "group_size", d.groupSize(), where))));
            } else {
                throw new ModelDirectoryException(file, "\"" + where + "\" is " + entry
                        + ", but a per-layer entry must be false or an object",
                        "write it as false (keep in float) or {\"bits\": 8, \"group_size\": 64}");
            }
        }
        return Optional.of(new QuantizationConfig(global, perLayer));
    }

    private static String mode(Path file, JsonNode node, String where) throws ModelDirectoryException {
        JsonNode m = node.get("mode");
        if (m == null || m.isNull()) {
            return LayerQuantization.AFFINE;
        }
        if (!m.isTextual() || !MODES.contains(m.textValue())) {
            throw new ModelDirectoryException(file, "\"" + where + ".mode\" is " + m,
                    "use one of " + new java.util.TreeSet<>(MODES));
        }
        return m.textValue();
    }

    private static int positive(Path file, JsonNode node, String key, int fallback, String where)
            throws ModelDirectoryException {
        JsonNode n = node.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || n.intValue() <= 0) {
            throw new ModelDirectoryException(file, "\"" + where + "." + key + "\" is " + n
                    + ", not a positive integer", "write the " + key + " the weights were quantized with");
        }
        return n.intValue();
    }
}

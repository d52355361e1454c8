package dev.quantcheck.conversion;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A per-layer exception to a conversion's global settings: keep the layer in float, or quantize it with other
 * bits or another group size. Written to {@code config.json}'s {@code quantization} block as MLX expects.
 *
 * @param keep      keep the layer in the conversion's float dtype
 * @param bits      bits for this layer, or 0 for the global value
 * @param groupSize group size for this layer, or 0 for the global value
 */
public record LayerOverride(boolean keep, int bits, int groupSize) {
    /** Keep the layer in float. */
    public static final LayerOverride KEEP = new LayerOverride(true, 0, 0);

    public static LayerOverride quantize(int bits, int groupSize) {
        return new LayerOverride(false, bits, groupSize);
    }

    /** {@code keep} in YAML. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static LayerOverride parse(String text) {
        if (!text.equals("keep")) {
            throw new IllegalArgumentException("'" + text + "' is not a layer override; write keep, or "
                    + "{bits: 8, group_size: 32}");
        }
        return KEEP;
    }

    /** {@code {bits: 8, group_size: 32}} in YAML; a missing key takes the model's global value. */
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    static LayerOverride parse(@JsonProperty("bits") Integer bits, @JsonProperty("group_size") Integer groupSize) {
        if (bits == null && groupSize == null) {
            throw new IllegalArgumentException("a layer override needs bits, group_size or both");
        }
        return quantize(bits == null ? 0 : bits, groupSize == null ? 0 : groupSize);
    }

    @Override
    public String toString() {
        return keep ? "keep" : "{bits: " + bits + ", group_size: " + groupSize + "}";
    }
}

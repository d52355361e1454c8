package dev.quantcheck.quantization;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The quantization modes of MLX ({@code mx.quantize(..., mode=)}), with the bits and group sizes each accepts.
 *
 * <p>Only {@link #AFFINE} stores biases; the three floating-point modes store uint8 scales and no biases
 * (docs/mlx-quantized-format.md sections 1 and 3).
 */
public enum QuantizationMode {
    AFFINE("affine", List.of(2, 3, 4, 5, 6, 8), List.of(32, 64, 128), 4, 64),
    MXFP4("mxfp4", List.of(4), List.of(32), 4, 32),
    MXFP8("mxfp8", List.of(8), List.of(32), 8, 32),
    NVFP4("nvfp4", List.of(4), List.of(16), 4, 16);

    private final String configName;
    private final List<Integer> allowedBits;
    private final List<Integer> allowedGroupSizes;
    private final int defaultBits;
    private final int defaultGroupSize;

    QuantizationMode(String configName, List<Integer> allowedBits, List<Integer> allowedGroupSizes,
                     int defaultBits, int defaultGroupSize) {
        this.configName = configName;
        this.allowedBits = allowedBits;
        this.allowedGroupSizes = allowedGroupSizes;
        this.defaultBits = defaultBits;
        this.defaultGroupSize = defaultGroupSize;
    }

    /** The spelling in config.json's {@code "quantization": {"mode": ...}}, e.g. {@code "mxfp4"}. */
    public String configName() {
        return configName;
    }

    /** The bit widths MLX accepts for this mode, ascending. */
    public List<Integer> allowedBits() {
        return allowedBits;
    }

    /** The group sizes MLX accepts for this mode, ascending. */
    public List<Integer> allowedGroupSizes() {
        return allowedGroupSizes;
    }

    /** What MLX uses when {@code bits} is not given (affine: 4). */
    public int defaultBits() {
        return defaultBits;
    }

    /** What MLX uses when {@code group_size} is not given (affine: 64). */
    public int defaultGroupSize() {
        return defaultGroupSize;
    }

    /** True only for affine: the fp modes have no biases tensor. */
    public boolean hasBiases() {
        return this == AFFINE;
    }

    /**
     * Checks a (bits, group size) pair against what MLX accepts for this mode.
     *
     * @throws IllegalArgumentException naming the rejected value and listing the allowed ones
     */
    public void requireSupported(int bits, int groupSize) {
        if (!allowedBits.contains(bits)) {
            throw new IllegalArgumentException("bits " + bits + " is not supported by " + configName
                    + " quantization; use one of " + allowedBits);
        }
        if (!allowedGroupSizes.contains(groupSize)) {
            throw new IllegalArgumentException("group size " + groupSize + " is not supported by " + configName
                    + " quantization; use one of " + allowedGroupSizes);
        }
    }

    /**
     * The mode a config names. MLX spells them in lower case only, so this does too; files written before the
     * {@code mode} key existed mean {@link #AFFINE}, which is the caller's default to apply.
     *
     * @throws IllegalArgumentException listing the valid names
     */
    public static QuantizationMode fromConfigName(String name) {
        return Arrays.stream(values())
                .filter(mode -> mode.configName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown quantization mode '" + name
                        + "'; use one of " + Arrays.stream(values()).map(QuantizationMode::configName)
                        .collect(Collectors.joining(", "))));
    }
}

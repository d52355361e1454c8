package dev.quantcheck.format;

/**
 * How one quantized layer is stored: MLX's mode, bits per weight and group size.
 *
 * @param mode      {@code affine}, {@code mxfp4}, {@code mxfp8} or {@code nvfp4}
 * @param bits      bits per weight
 * @param groupSize consecutive weights along the last axis that share a scale (and, for affine, a bias)
 */
public record LayerQuantization(String mode, int bits, int groupSize) {
    /** MLX's default mode when a config or a per-layer entry names none. */
    public static final String AFFINE = "affine";

    /** True for the mode with per-group biases. */
    public boolean isAffine() {
        return AFFINE.equals(mode);
    }

    /** MLX's defaults for a mode, used for per-layer entries that leave keys out (as {@code nn.quantize} does). */
    static LayerQuantization modeDefaults(String mode) {
        switch (mode) {
            case "mxfp4": return new LayerQuantization(mode, 4, 32);
            case "mxfp8": return new LayerQuantization(mode, 8, 32);
            case "nvfp4": return new LayerQuantization(mode, 4, 16);
            default: return new LayerQuantization(AFFINE, 4, 64);
        }
    }

    @Override
    public String toString() {
        return mode + " " + bits + "-bit, group " + groupSize;
    }
}

package dev.quantcheck.conversion;

import dev.quantcheck.format.DType;
import dev.quantcheck.quantization.QuantizationMode;
import dev.quantcheck.quantization.Rounding;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a conversion does: MLX affine quantization with these bits and group size, every weight first cast to
 * {@code dtype} (which the scales and biases are stored in), and per-layer overrides.
 *
 * @param bits         2, 3, 4, 5, 6 or 8
 * @param groupSize    32, 64 or 128
 * @param dtype        F16 (the default, as mlx-embeddings), F32 or BF16
 * @param rounding     which MLX backend's arithmetic to reproduce; GPU (a Mac) by default
 * @param fake         reproduce the broken "v1" converter: quantize, dequantize, store float32
 * @param overrides    per-layer overrides by module path (e.g. {@code embeddings.word_embeddings})
 * @param targetSizeMb the size the converted model should reach, in MB (MiB), or null when none was set
 */
public record ConversionOptions(int bits, int groupSize, DType dtype, Rounding rounding, boolean fake,
                                Map<String, LayerOverride> overrides, Double targetSizeMb) {

    public ConversionOptions {
        QuantizationMode.AFFINE.requireSupported(bits, groupSize);
        Objects.requireNonNull(rounding, "rounding");
        if (!dtype.isWeightFloat()) {
            throw new IllegalArgumentException("dtype " + dtype.fileName() + " is not supported; use float16, "
                    + "bfloat16 or float32");
        }
        overrides = Map.copyOf(new TreeMap<>(overrides));
        for (Map.Entry<String, LayerOverride> e : overrides.entrySet()) {
            LayerOverride o = e.getValue();
            if (!o.keep()) {
                QuantizationMode.AFFINE.requireSupported(o.bits() == 0 ? bits : o.bits(),
                        o.groupSize() == 0 ? groupSize : o.groupSize());
            }
        }
        if (targetSizeMb != null && !(targetSizeMb > 0)) {
            throw new IllegalArgumentException("target size " + targetSizeMb + " MB must be positive");
        }
    }

    /** The defaults of {@code mlx_embeddings.convert}: 4 bits, groups of 64, float16, GPU rounding. */
    public static ConversionOptions defaults() {
        return new ConversionOptions(4, 64, DType.F16, Rounding.GPU, false, Map.of(), null);
    }

    public ConversionOptions withBits(int bits) {
        return new ConversionOptions(bits, groupSize, dtype, rounding, fake, overrides, targetSizeMb);
    }

    public ConversionOptions withGroupSize(int groupSize) {
        return new ConversionOptions(bits, groupSize, dtype, rounding, fake, overrides, targetSizeMb);
    }

    public ConversionOptions withDtype(DType dtype) {
        return new ConversionOptions(bits, groupSize, dtype, rounding, fake, overrides, targetSizeMb);
    }

    public ConversionOptions withRounding(Rounding rounding) {
        return new ConversionOptions(bits, groupSize, dtype, rounding, fake, overrides, targetSizeMb);
    }

    public ConversionOptions withFake(boolean fake) {
        return new ConversionOptions(bits, groupSize, dtype, rounding, fake, overrides, targetSizeMb);
    }

    public ConversionOptions withOverrides(Map<String, LayerOverride> overrides) {
        return new ConversionOptions(bits, groupSize, dtype, rounding, fake, overrides, targetSizeMb);
    }

    public ConversionOptions withTargetSizeMb(Double targetSizeMb) {
        return new ConversionOptions(bits, groupSize, dtype, rounding, fake, overrides, targetSizeMb);
    }
}

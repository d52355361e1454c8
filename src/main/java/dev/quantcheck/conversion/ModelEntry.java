package dev.quantcheck.conversion;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.quantcheck.format.DType;
import dev.quantcheck.quantization.Rounding;

import java.util.Locale;
import java.util.Map;

/**
 * One model of {@code config/models.yaml}: where its float original is, how to convert it, the size it should
 * reach and the quality it must keep. {@code (name, bits)} identifies an entry, so one model can be listed at
 * several bit widths.
 *
 * @param source a model folder (relative paths are resolved against the folder that holds {@code config/}) or
 *               {@code builtin:all-minilm-l6-v2}
 * @param layers per-layer overrides: {@code keep}, or {@code {bits: 8, group_size: 32}}
 */
public record ModelEntry(@JsonProperty("name") String name,
                         @JsonProperty("source") String source,
                         @JsonProperty("bits") Integer bits,
                         @JsonProperty("group_size") Integer groupSize,
                         @JsonProperty("dtype") String dtype,
                         @JsonProperty("rounding") String rounding,
                         @JsonProperty("target_size_mb") Double targetSizeMb,
                         @JsonProperty("thresholds") QualityThresholds thresholds,
                         @JsonProperty("layers") Map<String, LayerOverride> layers) {
    public static final String BUILTIN_PREFIX = "builtin:";

    public ModelEntry {
        layers = layers == null ? Map.of() : Map.copyOf(layers);
        thresholds = thresholds == null ? QualityThresholds.NONE : thresholds;
    }

    /** The conversion this entry asks for, with mlx-embeddings' defaults for what it leaves out. */
    public ConversionOptions conversionOptions() {
        ConversionOptions d = ConversionOptions.defaults();
        return new ConversionOptions(bits, groupSize == null ? d.groupSize() : groupSize,
                dtype == null ? d.dtype() : DType.fromConfigName(dtype),
                rounding == null ? d.rounding() : Rounding.valueOf(rounding.toUpperCase(Locale.ROOT)),
                false, layers, targetSizeMb);
    }

    /** {@code <name>-mlx-q<bits>}: the folder name of the converted model under {@code models/mlx}. */
    public String outputName() {
        return name + "-mlx-q" + bits;
    }
}

package dev.quantcheck.assertions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * How many times smaller a converted model is than its original, and where the number comes from: {@code
 * conversion_metadata.json} ({@code quantization.compression_ratio}, or {@code original_size_mb / actual_size_mb}),
 * or, without it, the inspector's bits per weight against float32 storage ({@code 32 / bitsPerWeight}).
 *
 * @param value         the ratio
 * @param originalMb    the original's weight files, from the metadata; null when not known
 * @param convertedMb   the converted weight files, from the metadata; null when not known
 * @param bitsPerWeight the stored bits per weight the ratio was computed from; null when the metadata gave it
 * @param hasMetadata   whether the model has {@code conversion_metadata.json}
 */
public record CompressionRatio(double value, Double originalMb, Double convertedMb, Double bitsPerWeight,
                               boolean hasMetadata) {

    /** The ratio recorded in {@code conversion_metadata.json}; empty when it records neither it nor both sizes. */
    public static Optional<CompressionRatio> fromMetadata(JsonNode metadata) {
        JsonNode q = metadata.path("quantization");
        Double original = q.path("original_size_mb").isNumber() ? q.get("original_size_mb").asDouble() : null;
        Double actual = q.path("actual_size_mb").isNumber() ? q.get("actual_size_mb").asDouble() : null;
        if (q.path("compression_ratio").isNumber()) {
            return Optional.of(new CompressionRatio(q.get("compression_ratio").asDouble(), original, actual, null,
                    true));
        }
        if (original != null && actual != null && actual > 0) {
            return Optional.of(new CompressionRatio(original / actual, original, actual, null, true));
        }
        return Optional.empty();
    }

    /** {@code 32 / bitsPerWeight}: the ratio against storing the same weights in float32. */
    public static CompressionRatio fromBitsPerWeight(double bitsPerWeight, boolean hasMetadata) {
        return new CompressionRatio(32 / bitsPerWeight, null, null, bitsPerWeight, hasMetadata);
    }

    /** True when the ratio was computed from bits per weight rather than read from the metadata. */
    public boolean isComputed() {
        return bitsPerWeight != null;
    }
}

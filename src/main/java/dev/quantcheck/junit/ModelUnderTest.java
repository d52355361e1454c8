package dev.quantcheck.junit;

import dev.quantcheck.conversion.QualityThresholds;
import dev.quantcheck.inference.Encoder;

import java.nio.file.Path;

/**
 * An injected quantized model: its folder, its loaded encoder and the quality gates that
 * {@code config/models.yaml} sets for it ({@link QualityThresholds#NONE} when it has none).
 *
 * @param name  the entry or folder name, for display names and reports
 * @param bits  the bits it was converted with (0 when unknown)
 */
public record ModelUnderTest(String name, int bits, Path path, Encoder encoder, QualityThresholds thresholds) {
    @Override
    public String toString() {
        return name + (bits > 0 ? " q" + bits : "");
    }
}

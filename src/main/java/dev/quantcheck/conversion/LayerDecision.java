package dev.quantcheck.conversion;

/**
 * What the converter does with one Linear or Embedding weight.
 *
 * @param module     the module path, e.g. {@code encoder.layer.0.intermediate.dense}
 * @param rows       the weight's first dimension (outputs, or vocabulary rows)
 * @param cols       its last dimension, along which groups run
 * @param quantized  stored as packed codes (or, in fake mode, quantized and dequantized)
 * @param bits       bits when quantized, else 0
 * @param groupSize  group size when quantized, else 0
 * @param overridden set by a per-layer override rather than the global settings
 * @param reason     why, in words, for reports: "global", "override", or why the layer was kept
 */
public record LayerDecision(String module, long rows, long cols, boolean quantized, int bits, int groupSize,
                            boolean overridden, String reason) {
}

package dev.quantcheck.inspection;

/**
 * Whether a layer, or a whole model, really stores its weights quantized.
 *
 * <p>For a layer: {@link #TRUE_QUANTIZED}, {@link #FAKE_QUANTIZED} or {@link #NOT_QUANTIZED}. For a model, over its
 * quantization candidates (rank-2 {@code .weight} tensors: Linear and Embedding weights) only; LayerNorm weights
 * and biases never change a model's verdict:
 * <ul>
 *   <li>{@link #TRUE_QUANTIZED}: every candidate is packed (MLX's {@code P.weight} U32 + {@code P.scales}).
 *   Different bits or group sizes per layer are still true quantization.</li>
 *   <li>{@link #MIXED}: at least one candidate is packed and at least one is not (float, or fake-quantized float).
 *   Converters do this on purpose (mlx-embeddings keeps a layer in float when its width is not a multiple of the
 *   group size), so the layers that stayed in float are listed rather than condemned.</li>
 *   <li>{@link #FAKE_QUANTIZED}: no candidate is packed and at least one is float on a quantization grid: the
 *   weights were quantized, dequantized and stored at full float width.</li>
 *   <li>{@link #NOT_QUANTIZED}: no candidate is packed or on a grid (a plain float model), or there are no
 *   candidates at all.</li>
 * </ul>
 */
public enum Verdict {
    /** Packed integer storage: {@code P.weight} U32 with its scales (and biases). */
    TRUE_QUANTIZED,
    /** Float storage (F32, F16, BF16) whose every informative group lies on a 2^b-level affine grid. */
    FAKE_QUANTIZED,
    /** Ordinary float weights, or a tensor that is not a quantization candidate. */
    NOT_QUANTIZED,
    /** Models only: some candidates packed, some not. */
    MIXED
}

package dev.quantcheck.format;

import java.nio.file.Path;

/** The shape rules a quantized layer's tensors obey (MLX's {@code validate_quantized_input}). */
final class QuantizedShapes {
    private QuantizedShapes() {
    }

    /**
     * Checks that {@code P.weight}, {@code P.scales} and (affine) {@code P.biases} agree with {@code q}:
     * U32 packed weights, {@code weight.shape[-1] * 32 / bits == scales.shape[-1] * group_size}, equal leading
     * dimensions, float scales and biases for affine, U8 scales without biases for the fp modes.
     */
    static void check(Path configFile, ModelWeights weights, String module, LayerQuantization q)
            throws ModelDirectoryException {
        String where = "layer '" + module + "' (" + q + ")";
        if (!weights.contains(module + ".weight")) {
            throw new ModelDirectoryException(weights.directory(), where + " has scales but no weight",
                    "restore " + module + ".weight from the conversion");
        }
        TensorInfo weight = weights.info(module + ".weight");
        TensorInfo scales = weights.info(module + ".scales");
        if (weight.dtype() != DType.U32 || weight.rank() < 2) {
            throw new ModelDirectoryException(weights.directory(), where + " has weight "
                    + weight.dtype().fileName() + " " + weight.shapeString() + ", but packed weights are U32 of rank >= 2",
                    "re-convert the model; the weight is not packed");
        }
        if (scales.rank() != weight.rank() || !sameLeading(weight.shape(), scales.shape())) {
            throw new ModelDirectoryException(weights.directory(), where + " has weight " + weight.shapeString()
                    + " but scales " + scales.shapeString(), "re-convert the model; its tensors do not belong together");
        }
        long unpacked = weight.dim(-1) * 32;
        if (unpacked % q.bits() != 0 || unpacked / q.bits() != scales.dim(-1) * q.groupSize()) {
            throw new ModelDirectoryException(configFile, where + ": packed weight " + weight.shapeString()
                    + " and scales " + scales.shapeString() + " do not fit " + q.bits() + " bits in groups of "
                    + q.groupSize() + " (weight.shape[-1] * 32 / bits must equal scales.shape[-1] * group_size)",
                    "set the layer's bits and group_size in \"quantization\" to the ones it was converted with");
        }
        boolean hasBiases = weights.contains(module + ".biases");
        if (q.isAffine()) {
            if (!hasBiases) {
                throw new ModelDirectoryException(weights.directory(), where + " has no biases",
                        "affine layers need " + module + ".biases; re-convert the model");
            }
            TensorInfo biases = weights.info(module + ".biases");
            if (!scales.dtype().isWeightFloat() || biases.dtype() != scales.dtype()
                    || !java.util.Arrays.equals(biases.shape(), scales.shape())) {
                throw new ModelDirectoryException(weights.directory(), where + " has scales "
                        + scales.dtype().fileName() + " " + scales.shapeString() + " and biases "
                        + biases.dtype().fileName() + " " + biases.shapeString()
                        + ", but both must be the same float type and shape", "re-convert the model");
            }
        } else {
            if (hasBiases || scales.dtype() != DType.U8) {
                throw new ModelDirectoryException(configFile, where + " has " + scales.dtype().fileName()
                        + " scales" + (hasBiases ? " and biases" : "")
                        + ", but " + q.mode() + " layers have U8 scales and no biases",
                        "set the layer's mode in \"quantization\" to the one it was converted with");
            }
        }
    }

    private static boolean sameLeading(long[] a, long[] b) {
        for (int i = 0; i < a.length - 1; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}

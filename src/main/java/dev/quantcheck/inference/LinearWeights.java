package dev.quantcheck.inference;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.LayerQuantization;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.ModelWeights;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.inference.weights.AffineWeight;
import dev.quantcheck.inference.weights.F32Weight;
import dev.quantcheck.inference.weights.FpWeight;
import dev.quantcheck.inference.weights.HalfWeight;
import dev.quantcheck.quantization.QuantizationMode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/** Loads the {@link LinearWeight} of a Linear or Embedding module of a model directory, in its stored form. */
public final class LinearWeights {
    private LinearWeights() {
    }

    /**
     * The weight {@code module + ".weight"}: {@link F32Weight} or {@link HalfWeight} for a float layer; for a
     * quantized one (as {@code model.quantizationOf(module)} says) {@link AffineWeight} with {@code .scales} and
     * {@code .biases}, or {@link FpWeight} with {@code .scales} and, for nvfp4, an optional scalar
     * {@code .global_scale}. The weight is copied into heap arrays in its stored width (codes repacked, never
     * dequantized), so it stays valid after the model is closed.
     *
     * @throws IllegalArgumentException when the tensors are missing, not rank 2 or of an unsupported dtype
     */
    public static LinearWeight load(ModelDirectory model, String module) {
        ModelWeights weights = model.weights();
        String name = module + ".weight";
        TensorInfo info = weights.info(name);
        if (info.rank() != 2) {
            throw new IllegalArgumentException(model.path() + ": " + info + " is not a matrix; a Linear or "
                    + "Embedding weight has rank 2");
        }
        int rows = Math.toIntExact(info.dim(0));
        Optional<LayerQuantization> quantization = model.quantizationOf(module);
        if (quantization.isEmpty()) {
            int cols = Math.toIntExact(info.dim(1));
            switch (info.dtype()) {
                case F32:
                    return F32Weight.fromBytes(weights.bytes(name), rows, cols);
                case F16:
                case BF16:
                    return HalfWeight.fromBytes(weights.bytes(name), rows, cols, info.dtype());
                default:
                    throw new IllegalArgumentException(model.path() + ": " + info + " is neither a float weight "
                            + "(F32, F16, BF16) nor a quantized layer in config.json");
            }
        }
        LayerQuantization q = quantization.get();
        int cols = Math.toIntExact(info.dim(1) * 32 / q.bits());
        TensorInfo scales = weights.info(module + ".scales");
        if (q.isAffine()) {
            return AffineWeight.fromMlx(rows, cols, q.bits(), q.groupSize(), weights.bytes(name), scales.dtype(),
                    weights.bytes(module + ".scales"), weights.bytes(module + ".biases"));
        }
        QuantizationMode mode = QuantizationMode.fromConfigName(q.mode());
        mode.requireSupported(q.bits(), q.groupSize());
        Float globalScale = null;
        String global = module + ".global_scale";
        if (weights.contains(global)) {
            TensorInfo g = weights.info(global);
            if (g.dtype() != DType.F32 || g.numel() != 1) {
                throw new IllegalArgumentException(model.path() + ": " + g + " is not a float32 scalar");
            }
            ByteBuffer b = weights.bytes(global).duplicate().order(ByteOrder.LITTLE_ENDIAN);
            globalScale = b.getFloat(b.position());
        }
        return FpWeight.fromMlx(mode, rows, cols, weights.bytes(name), weights.bytes(module + ".scales"), globalScale);
    }
}

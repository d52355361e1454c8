package dev.quantcheck.conversion;

import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.TensorInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which layers a conversion quantizes, as mlx-embeddings decides: every Linear and Embedding weight (the rank-2
 * {@code .weight} tensors) whose last dimension divides by the group size; LayerNorms and biases stay in float.
 * Per-layer overrides change the bits or group size, or keep a layer in float.
 */
final class LayerDecisions {
    private LayerDecisions() {
    }

    static List<LayerDecision> decide(ModelDirectory model, ConversionOptions options) {
        TreeSet<String> modules = new TreeSet<>();
        for (String name : model.weights().names()) {
            TensorInfo info = model.weights().info(name);
            if (name.endsWith(".weight") && info.rank() == 2 && info.dtype().isWeightFloat()) {
                modules.add(name.substring(0, name.length() - ".weight".length()));
            }
        }
        for (String overridden : options.overrides().keySet()) {
            if (!modules.contains(overridden)) {
                throw new IllegalArgumentException("the per-layer override '" + overridden + "' names no Linear or "
                        + "Embedding layer of " + model.path() + "; its layers are " + preview(modules));
            }
        }
        List<LayerDecision> decisions = new ArrayList<>();
        for (String module : modules) {
            TensorInfo weight = model.weights().info(module + ".weight");
            decisions.add(decide(module, weight.dim(0), weight.dim(1), options));
        }
        return decisions;
    }

    private static LayerDecision decide(String module, long rows, long cols, ConversionOptions options) {
        LayerOverride override = options.overrides().get(module);
        if (override != null && override.keep()) {
            return new LayerDecision(module, rows, cols, false, 0, 0, true, "kept by override");
        }
        if (override != null) {
            int bits = override.bits() == 0 ? options.bits() : override.bits();
            int groupSize = override.groupSize() == 0 ? options.groupSize() : override.groupSize();
            if (cols % groupSize != 0) {
                throw new IllegalArgumentException("the per-layer override of '" + module + "' asks for groups of "
                        + groupSize + ", but its last dimension " + cols + " is not divisible by " + groupSize
                        + "; use a group size that divides " + cols + " or keep the layer");
            }
            return new LayerDecision(module, rows, cols, true, bits, groupSize, true, "override");
        }
        if (cols % options.groupSize() != 0) {
            return new LayerDecision(module, rows, cols, false, 0, 0, false,
                    "kept: last dimension " + cols + " is not divisible by group size " + options.groupSize());
        }
        return new LayerDecision(module, rows, cols, true, options.bits(), options.groupSize(), false, "global");
    }

    private static String preview(TreeSet<String> modules) {
        List<String> first = new ArrayList<>(modules).subList(0, Math.min(6, modules.size()));
        return String.join(", ", first) + (modules.size() > first.size() ? ", ... (" + modules.size() + " in all)" : "");
    }
}

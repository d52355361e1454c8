package dev.quantcheck.testing;

import dev.quantcheck.format.SafetensorsFile;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Damages a model folder's {@code model.safetensors} in place, the way a broken converter or a bad disk would:
 * one value set to NaN, a tensor dropped, a dtype relabelled.
 *
 * <pre>{@code
 * WeightEdits.set(model, "encoder.layer.1.intermediate.dense.scales", 2, Float.NaN);
 * }</pre>
 */
public final class WeightEdits {
    private WeightEdits() {
    }

    /** Decides what the rewritten file holds for one tensor of the original: add it as is, changed, or not at all. */
    @FunctionalInterface
    public interface Edit {
        void apply(SafetensorsWriter writer, TensorInfo tensor, SafetensorsFile original);
    }

    /** Rewrites the weights, passing every tensor through {@code edit}; the file's metadata is kept. */
    public static void rewrite(Path model, Edit edit) throws IOException {
        Path weights = model.resolve("model.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter();
        try (SafetensorsFile file = SafetensorsFile.open(weights)) {
            for (Map.Entry<String, String> m : file.metadata().entrySet()) {
                writer.metadata(m.getKey(), m.getValue());
            }
            for (TensorInfo t : file.tensors()) {
                edit.apply(writer, t, file);
            }
        }
        writer.write(weights);
    }

    /** Sets value {@code index} (row-major) of float tensor {@code tensor}, keeping its dtype. */
    public static void set(Path model, String tensor, int index, float value) throws IOException {
        rewrite(model, (writer, t, file) -> {
            if (!t.name().equals(tensor)) {
                writer.add(t.name(), t.dtype(), t.shape(), file.bytes(t.name()));
                return;
            }
            float[] values = file.floats(t.name());
            values[index] = value;
            writer.addFloats(t.name(), t.dtype(), t.shape(), values);
        });
    }
}

package dev.quantcheck.inspection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.ModelWeights;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.quantization.AffineQuantizer;
import dev.quantcheck.quantization.DTypeCast;
import dev.quantcheck.quantization.FpQuantizedTensor;
import dev.quantcheck.quantization.FpQuantizer;
import dev.quantcheck.quantization.QuantizationMode;
import dev.quantcheck.quantization.QuantizedTensor;
import dev.quantcheck.quantization.Rounding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Copies a float model folder while rewriting chosen Linear/Embedding weights: truly quantized (packed U32 with
 * scales and biases, as MLX stores them), fake quantized (quantized, dequantized and stored as floats again), or
 * replaced by given values. Everything else is copied byte for byte.
 *
 * <pre>{@code
 * Path fake = ModelRewriter.from(source).fake(name -> true, Fake.of(8, 64)).write(dir.resolve("fake"));
 * }</pre>
 */
final class ModelRewriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How to fake-quantize a matrix. */
    record Fake(int bits, int groupSize, Rounding rounding, DType stored, boolean arithmeticInStored) {
        /** Quantized and dequantized in float32, stored as F32, on the GPU's rounding. */
        static Fake of(int bits, int groupSize) {
            return new Fake(bits, groupSize, Rounding.GPU, DType.F32, false);
        }

        Fake rounding(Rounding r) {
            return new Fake(bits, groupSize, r, stored, arithmeticInStored);
        }

        /** Cast to {@code dtype} first, scales in it, dequantized in float32, stored in it (one rounding). */
        Fake stored(DType dtype) {
            return new Fake(bits, groupSize, rounding, dtype, arithmeticInStored);
        }

        /** Dequantize as MLX's CPU graph does, {@code T(T(scale * q) + bias)}: two roundings to T. */
        Fake dequantizedInStoredType() {
            return new Fake(bits, groupSize, rounding, stored, true);
        }

        float[] apply(float[] weights, int rows, int cols) {
            DType t = stored;
            QuantizedTensor q = AffineQuantizer.quantize(DTypeCast.round(weights, t), rows, cols, bits, groupSize, t,
                    rounding);
            if (!arithmeticInStored) {
                return DTypeCast.round(AffineQuantizer.dequantize(q), t);
            }
            float[] out = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int g = c / groupSize;
                    float product = DTypeCast.round(q.scale(r, g) * q.code(r, c), t);
                    out[r * cols + c] = DTypeCast.round(product + q.bias(r, g), t);
                }
            }
            return out;
        }
    }

    private interface Rewrite {
        void apply(SafetensorsWriter writer, TensorInfo info, float[] values);
    }

    private final Path source;
    /** A rewrite of the tensors {@code which} accepts: candidates only, unless {@code anyRank}. */
    private record Rule(Predicate<String> which, boolean anyRank, Rewrite rewrite) {
    }

    private final List<Rule> rules = new ArrayList<>();
    private ObjectNode quantizationBlock;

    private ModelRewriter(Path source) {
        this.source = source;
    }

    static ModelRewriter from(Path source) {
        return new ModelRewriter(source);
    }

    /** Linear and Embedding weights: rank 2, named {@code .weight}. */
    static boolean isCandidate(TensorInfo info) {
        return info.rank() == 2 && info.name().endsWith(".weight");
    }

    /**
     * Packs the chosen candidates as MLX does: the weights cast to {@code dtype}, quantized, {@code P.weight} U32,
     * {@code P.scales} and {@code P.biases} in {@code dtype}; config.json gains the quantization block.
     */
    ModelRewriter pack(Predicate<String> which, int bits, int groupSize, DType dtype) {
        quantizationBlock = JSON.createObjectNode().put("group_size", groupSize).put("bits", bits)
                .put("mode", "affine");
        rules.add(new Rule(which, false, (writer, info, values) -> {
            int rows = (int) info.dim(0);
            int cols = (int) info.dim(1);
            QuantizedTensor q = AffineQuantizer.quantize(DTypeCast.round(values, dtype), rows, cols, bits, groupSize,
                    dtype);
            String module = info.name().substring(0, info.name().length() - ".weight".length());
            writer.add(info.name(), DType.U32, new long[] {rows, (long) cols * bits / 32}, q.wordBytes());
            long[] groups = {rows, cols / groupSize};
            writer.add(module + ".scales", dtype, groups, q.scaleBytes());
            writer.add(module + ".biases", dtype, groups, q.biasBytes());
        }));
        return this;
    }

    /** Packs the chosen candidates in one of MLX's fp modes: {@code P.weight} U32 and {@code P.scales} U8. */
    ModelRewriter packFp(Predicate<String> which, QuantizationMode mode) {
        quantizationBlock = JSON.createObjectNode().put("group_size", mode.defaultGroupSize())
                .put("bits", mode.defaultBits()).put("mode", mode.configName());
        rules.add(new Rule(which, false, (writer, info, values) -> {
            int rows = (int) info.dim(0);
            int cols = (int) info.dim(1);
            FpQuantizedTensor q = FpQuantizer.quantize(values, rows, cols, mode);
            String module = info.name().substring(0, info.name().length() - ".weight".length());
            writer.add(info.name(), DType.U32, new long[] {rows, (long) cols * q.bits() / 32}, q.wordBytes());
            writer.add(module + ".scales", DType.U8, new long[] {rows, cols / q.groupSize()},
                    java.nio.ByteBuffer.wrap(q.scales()));
        }));
        return this;
    }

    /** Fake-quantizes the chosen candidates. */
    ModelRewriter fake(Predicate<String> which, Fake fake) {
        rules.add(new Rule(which, false, (writer, info, values) -> writer.addFloats(info.name(), fake.stored(),
                info.shape(), fake.apply(values, (int) info.dim(0), (int) info.dim(1)))));
        return this;
    }

    /** Replaces tensor {@code name} (any rank) by {@code edit} applied to its float values, in its own dtype. */
    ModelRewriter edit(String name, java.util.function.UnaryOperator<float[]> edit) {
        rules.add(new Rule(name::equals, true, (writer, info, values) ->
                writer.addFloats(info.name(), info.dtype(), info.shape(), edit.apply(values))));
        return this;
    }

    /** Writes the new model folder {@code target}, which must not exist, and returns it. */
    Path write(Path target) throws IOException {
        copyAllButWeights(target);
        SafetensorsWriter writer = new SafetensorsWriter().mlxFormat();
        try (ModelWeights weights = ModelWeights.open(source)) {
            for (String name : weights.names()) {
                TensorInfo info = weights.info(name);
                Rewrite rewrite = rewriteOf(info);
                if (rewrite == null) {
                    writer.add(name, info.dtype(), info.shape(), weights.bytes(name));
                } else {
                    rewrite.apply(writer, info, weights.floats(name));
                }
            }
            writer.write(target.resolve("model.safetensors"));
        }
        if (quantizationBlock != null) {
            ObjectNode config = (ObjectNode) JSON.readTree(target.resolve("config.json").toFile());
            config.set("quantization", quantizationBlock);
            JSON.writeValue(target.resolve("config.json").toFile(), config);
        }
        return target;
    }

    /** The first rule that applies to the tensor; null to copy it unchanged. */
    private Rewrite rewriteOf(TensorInfo info) {
        for (Rule rule : rules) {
            if ((rule.anyRank() || isCandidate(info)) && rule.which().test(info.name())) {
                return rule.rewrite();
            }
        }
        return null;
    }

    private void copyAllButWeights(Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.getFileName().toString().endsWith(".safetensors")
                        && !p.getFileName().toString().equals(ModelWeights.INDEX_FILE)) {
                    Files.copy(p, to);
                }
            }
        }
    }

    static List<String> names(Path model) throws IOException {
        try (ModelWeights weights = ModelWeights.open(model)) {
            return List.copyOf(weights.names());
        }
    }
}

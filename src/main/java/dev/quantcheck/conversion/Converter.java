package dev.quantcheck.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.format.AtomicFiles;
import dev.quantcheck.format.ContentHash;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.ModelWeights;
import dev.quantcheck.format.OutputLock;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.quantization.AffineQuantizer;
import dev.quantcheck.quantization.DTypeCast;
import dev.quantcheck.quantization.QuantizedTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Converts a float encoder folder (Hugging Face layout) to MLX's quantized format, as {@code mlx_embeddings.convert}
 * writes it: every weight cast to the chosen dtype, then every Linear and Embedding weight whose last dimension
 * divides by the group size stored as packed affine codes with per-group scales and biases.
 *
 * <p>The whole output folder is written beside the target and renamed into place, so a failure or a kill at any
 * moment leaves either the previous complete output or the new one. One conversion at a time holds an output's
 * {@link OutputLock}; an output that is, contains or lies inside the source is refused before any work.
 */
public final class Converter {
    static final String WEIGHTS_FILE = "model.safetensors";
    /** Files of the source that describe the source's own weights and are not copied. */
    private static final Set<String> NOT_COPIED = Set.of(ModelDirectory.CONFIG, ModelDirectory.CONVERSION_METADATA,
            ModelWeights.INDEX_FILE, "import_metadata.json");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Converter() {
    }

    /** What to do when the output folder already holds a complete conversion. */
    public enum Existing {
        /** Keep it when it was made from the same source with the same options; otherwise fail (the CLI default). */
        KEEP_OR_FAIL(Duration.ZERO),
        /**
         * Keep it when it was made the same way; otherwise replace it (what a test that declares a model wants).
         * While another process converts into the same output (test classes in parallel forks), wait for it and
         * then keep what it made.
         */
        KEEP_OR_REPLACE(Duration.ofMinutes(10)),
        /** Always convert again ({@code --no-skip}). */
        REPLACE(Duration.ZERO);

        /** How long to wait for another writer of the same output before failing. */
        private final Duration patience;

        Existing(Duration patience) {
            this.patience = patience;
        }
    }

    /** {@link #convert(Path, Path, ConversionOptions, Existing)}: {@code REPLACE} when true, else {@code KEEP_OR_FAIL}. */
    public static ConversionResult convert(Path source, Path output, ConversionOptions options,
                                           boolean replaceExisting) throws IOException {
        return convert(source, output, options, replaceExisting ? Existing.REPLACE : Existing.KEEP_OR_FAIL);
    }

    /**
     * Converts {@code source} into {@code output}. An existing complete output made from the same source with the
     * same options is kept (and returned as skipped) unless {@code existing} is {@code REPLACE}; one made
     * differently fails with {@code KEEP_OR_FAIL}, so that a stale model is never mistaken for a fresh one.
     *
     * @throws IllegalArgumentException for options that cannot apply to this model (an override naming no layer,
     *                                  a group size that does not divide a layer the override asks to quantize)
     * @throws dev.quantcheck.format.OutputBusyException when another conversion holds the output (after waiting, for
     *                                  {@code KEEP_OR_REPLACE})
     * @throws IOException              when the source is unreadable or already quantized, the output is, contains
     *                                  or lies inside the source, or the output cannot be
     *                                  written (nothing is left half-written)
     */
    public static ConversionResult convert(Path source, Path output, ConversionOptions options, Existing existing)
            throws IOException {
        requireApart(source, output);
        try (OutputLock lock = OutputLock.acquire(output, existing.patience)) {
            return convertLocked(source, output, lock, options, existing);
        }
    }

    private static ConversionResult convertLocked(Path source, Path output, OutputLock lock,
                                                  ConversionOptions options, Existing existing) throws IOException {
        AtomicFiles.requireReplaceable(output, ModelDirectory.CONVERSION_METADATA);
        String sourceHash = ContentHash.ofDirectory(source);
        if (existing != Existing.REPLACE && Files.exists(output.resolve(ModelDirectory.CONVERSION_METADATA))) {
            ConversionResult kept = existingOutput(output, options, sourceHash, existing == Existing.KEEP_OR_FAIL);
            if (kept != null) {
                return kept;
            }
        }
        try (ModelDirectory model = ModelDirectory.open(source)) {
            if (model.isQuantized()) {
                throw new IOException(source + ": the source is already quantized (" + model.quantizedLayers().size()
                        + " layers, e.g. " + model.quantizedLayers().keySet().iterator().next()
                        + "). Fix: convert from the float original; re-quantizing compounds the error");
            }
            model.requireFiniteWeights("convert from weights without NaN or Inf (quantcheck inspect " + source
                    + " lists them all); no bit width can represent them");
            List<LayerDecision> decisions = LayerDecisions.decide(model, options);
            SafetensorsWriter writer = weightsWriter(model, decisions, options);
            long originalBytes = model.weights().fileBytes();
            ConversionMetadata[] metadata = new ConversionMetadata[1];
            try {
                AtomicFiles.writeDirectory(lock, tmp -> {
                    Path weightsFile = tmp.resolve(WEIGHTS_FILE);
                    writer.write(weightsFile);
                    metadata[0] = ConversionMetadata.of(originalBytes, Files.size(weightsFile), options, decisions,
                            source, sourceHash, Instant.now());
                    writeIndex(tmp, writer);
                    copySupportFiles(source, tmp);
                    writeJson(tmp.resolve(ModelDirectory.CONFIG), config(model, options, decisions));
                    writeJson(tmp.resolve(ModelDirectory.CONVERSION_METADATA), metadata[0].toJson());
                });
            } catch (IOException e) {
                throw new IOException("cannot write the converted model to " + output + ": " + e
                        + ". Nothing was changed there. Fix: choose a writable --output on a disk with at least "
                        + Math.round(writer.tensorBytes() / 1e6 * 2) + " MB free", e);
            }
            return new ConversionResult(output, false, metadata[0], decisions);
        }
    }

    /**
     * Refuses an output that is the source, lies inside it or contains it: the output folder is replaced as a whole,
     * so any of the three would delete the original weights.
     */
    static void requireApart(Path source, Path output) throws IOException {
        if (!Files.isDirectory(source)) {
            return; // ModelDirectory.open names the missing folder
        }
        Path src = source.toRealPath();
        Path out = OutputLock.realPathOfPossiblyMissing(output);
        String relation = out.equals(src) ? "is the source folder"
                : out.startsWith(src) ? "lies inside the source folder"
                : src.startsWith(out) ? "contains the source folder" : null;
        if (relation != null) {
            throw new IOException("the output " + output + " " + relation + " " + source + "; converting there "
                    + "would replace the original weights. Nothing was written. Fix: choose an output folder outside "
                    + src);
        }
    }

    /**
     * The existing output when it was made from this source with these options; null when it should be made
     * again (it is incomplete, only its recorded target size is stale, or it differs and {@code failIfDifferent}
     * is false).
     */
    private static ConversionResult existingOutput(Path output, ConversionOptions options, String sourceHash,
                                                   boolean failIfDifferent) throws IOException {
        JsonNode recorded;
        try (ModelDirectory existing = ModelDirectory.open(output)) {
            recorded = existing.conversionMetadata().orElseThrow();
        } catch (IOException e) {
            return null; // incomplete or corrupt: convert again
        }
        List<String> differences = ConversionMetadata.differences(recorded, options, sourceHash);
        // a new target changes no weight, only the metadata: converting again is cheap and keeps it true
        boolean onlyTarget = differences.size() == 1 && differences.get(0).startsWith("target size");
        if (!differences.isEmpty() && (onlyTarget || !failIfDifferent)) {
            return null;
        }
        if (!differences.isEmpty()) {
            throw new IOException(output + " already holds a conversion made differently (" + String.join(", ",
                    differences) + "). Fix: pass --no-skip to replace it, or choose another --output");
        }
        return new ConversionResult(output, true, ConversionMetadata.fromJson(recorded), List.of());
    }

    // ---------------------------------------------------------------- weights

    private static SafetensorsWriter weightsWriter(ModelDirectory model, List<LayerDecision> decisions,
                                                   ConversionOptions options) {
        Map<String, LayerDecision> byWeight = new TreeMap<>();
        decisions.forEach(d -> byWeight.put(d.module() + ".weight", d));
        ModelWeights weights = model.weights();
        SafetensorsWriter writer = new SafetensorsWriter().mlxFormat();
        // the v1 converter stored everything as float32, whatever the dtype it claimed
        DType floatDtype = options.fake() ? DType.F32 : options.dtype();
        for (String name : weights.names()) {
            TensorInfo info = weights.info(name);
            if (!info.dtype().isWeightFloat()) {
                writer.add(name, info.dtype(), info.shape(), weights.bytes(name));
                continue;
            }
            // MLX casts to the checkpoint dtype first, then quantizes the cast values
            float[] values = DTypeCast.round(weights.floats(name), options.dtype());
            LayerDecision decision = byWeight.get(name);
            if (decision == null || !decision.quantized()) {
                writer.addFloats(name, floatDtype, info.shape(), values);
                continue;
            }
            int rows = (int) info.dim(0);
            int cols = (int) info.dim(1);
            QuantizedTensor q;
            try {
                q = AffineQuantizer.quantize(values, rows, cols, decision.bits(), decision.groupSize(),
                        options.dtype(), options.rounding());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(model.path() + ": cannot quantize '" + name + "': "
                        + e.getMessage(), e);
            }
            if (options.fake()) {
                writer.addFloats(name, DType.F32, info.shape(), AffineQuantizer.dequantize(q));
            } else {
                String module = decision.module();
                writer.add(module + ".weight", DType.U32, new long[] {rows, q.wordsPerRow()}, q.wordBytes());
                writer.add(module + ".scales", options.dtype(), new long[] {rows, q.groupsPerRow()}, q.scaleBytes());
                writer.add(module + ".biases", options.dtype(), new long[] {rows, q.groupsPerRow()}, q.biasBytes());
            }
        }
        return writer;
    }

    // ---------------------------------------------------------------- other files

    /** config.json: the source's, with MLX's quantization block and the new dtype; keys sorted, as mlx-lm writes. */
    static ObjectNode config(ModelDirectory model, ConversionOptions options, List<LayerDecision> decisions) {
        ObjectNode config = model.config().raw().deepCopy();
        config.remove("_name_or_path");
        config.remove("quantization_config");
        config.put("torch_dtype", options.fake() ? DType.F32.configName() : options.dtype().configName());
        ObjectNode quantization = config.putObject("quantization");
        quantization.put("group_size", options.groupSize());
        quantization.put("bits", options.bits());
        quantization.put("mode", "affine");
        for (LayerDecision d : decisions) {
            if (d.overridden()) {
                if (d.quantized()) {
                    quantization.putObject(d.module()).put("group_size", d.groupSize()).put("bits", d.bits())
                            .put("mode", "affine");
                } else {
                    quantization.put(d.module(), false);
                }
            }
        }
        return sorted(config);
    }

    private static ObjectNode sorted(ObjectNode node) {
        ObjectNode out = JSON.createObjectNode();
        new TreeSet<>(iterableNames(node)).forEach(name -> {
            JsonNode value = node.get(name);
            out.set(name, value.isObject() ? sorted((ObjectNode) value) : value);
        });
        return out;
    }

    private static List<String> iterableNames(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void writeIndex(Path dir, SafetensorsWriter writer) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", writer.tensorBytes());
        ObjectNode map = index.putObject("weight_map");
        for (String name : writer.names()) {
            map.put(name, WEIGHTS_FILE);
        }
        writeJson(dir.resolve(ModelWeights.INDEX_FILE), index);
    }

    /** Tokenizer, sentence-transformers and other support files, as mlx-embeddings copies them. */
    private static void copySupportFiles(Path source, Path target) throws IOException {
        try (Stream<Path> entries = Files.list(source)) {
            for (Path entry : (Iterable<Path>) entries.sorted()::iterator) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") || NOT_COPIED.contains(name) || name.endsWith(".safetensors")) {
                    continue;
                }
                if (Files.isRegularFile(entry)) {
                    Files.copy(entry, target.resolve(name));
                } else if (Files.isDirectory(entry) && name.matches("\\d+_.*")) {
                    copyTree(entry, target.resolve(name)); // 1_Pooling, 2_Normalize
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    static void writeJson(Path file, JsonNode node) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(node) + "\n");
    }
}

package dev.quantcheck.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model folder in Hugging Face layout, possibly converted to MLX's quantized format: {@code config.json},
 * weights, {@code tokenizer.json}, optional sentence-transformers pooling files and, for converted models,
 * {@code conversion_metadata.json}.
 *
 * <p>{@link #open(Path)} reads and cross-checks everything, so that a model that would fail later fails here with
 * a {@link ModelDirectoryException} naming the file and the fix: a config that says 6 layers for weights with 4,
 * an embedding table smaller than the tokenizer's vocabulary, a quantized layer whose shapes do not agree with its
 * bits and group size, an unsupported architecture.
 */
public final class ModelDirectory implements AutoCloseable {
    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String CONVERSION_METADATA = "conversion_metadata.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LAYER_INDEX = Pattern.compile("(?:^|\\.)(?:encoder|transformer)\\.layer\\.(\\d+)\\.");

    private final Path path;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final String prefix;
    private final Pooling pooling;
    private final Optional<QuantizationConfig> quantization;
    private final Map<String, LayerQuantization> quantizedLayers;
    private final Optional<JsonNode> conversionMetadata;

    private ModelDirectory(Path path, ModelConfig config, ModelWeights weights, String prefix, Pooling pooling,
                           Optional<QuantizationConfig> quantization, Map<String, LayerQuantization> quantizedLayers,
                           Optional<JsonNode> conversionMetadata) {
        this.path = path;
        this.config = config;
        this.weights = weights;
        this.prefix = prefix;
        this.pooling = pooling;
        this.quantization = quantization;
        this.quantizedLayers = quantizedLayers;
        this.conversionMetadata = conversionMetadata;
    }

    /**
     * Opens and validates the model in {@code dir}. The caller closes it.
     *
     * @throws ModelDirectoryException when a file is missing or the files contradict each other
     * @throws SafetensorsFormatException when a weight file is corrupt
     */
    public static ModelDirectory open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelDirectoryException(dir, "no such model folder",
                    "pass a folder with config.json, model.safetensors and tokenizer.json");
        }
        Path configFile = dir.resolve(CONFIG);
        ObjectNode raw = readJsonObject(configFile, "copy config.json from the original model");
        Architecture architecture = detectArchitecture(configFile, raw);
        ModelConfig config = ModelConfig.parse(configFile, architecture, raw);
        Optional<QuantizationConfig> quantization = QuantizationConfig.parse(configFile, raw);
        Path tokenizer = dir.resolve(TOKENIZER);
        if (!Files.isRegularFile(tokenizer)) {
            throw new ModelDirectoryException(tokenizer, "the tokenizer is missing",
                    "copy tokenizer.json from the original model into " + dir);
        }
        Pooling pooling = PoolingFiles.read(dir);
        Path metadataFile = dir.resolve(CONVERSION_METADATA);
        Optional<JsonNode> conversionMetadata = Files.exists(metadataFile)
                ? Optional.of(readJsonObject(metadataFile, "re-run the conversion")) : Optional.empty();

        ModelWeights weights = ModelWeights.open(dir);
        try {
            String prefix = embeddingPrefix(dir, weights);
            Map<String, LayerQuantization> quantized = quantizedLayers(configFile, weights, quantization);
            ModelDirectory model = new ModelDirectory(dir, config, weights, prefix, pooling, quantization,
                    quantized, conversionMetadata);
            model.checkLayerCount();
            model.checkEmbeddings(tokenizer);
            model.checkEncoderTensors();
            return model;
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- reading

    static ObjectNode readJsonObject(Path file, String fix) throws ModelDirectoryException {
        if (!Files.isRegularFile(file)) {
            throw new ModelDirectoryException(file, "the file is missing", fix);
        }
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelDirectoryException(file, "it is not valid JSON (" + e.getMessage() + ")", fix);
        }
        if (node == null || !node.isObject()) {
            throw new ModelDirectoryException(file, "it is not a JSON object", fix);
        }
        return (ObjectNode) node;
    }

    private static Architecture detectArchitecture(Path file, ObjectNode raw) throws ModelDirectoryException {
        JsonNode modelType = raw.get("model_type");
        if (modelType != null && modelType.isTextual()) {
            Architecture a = Architecture.ofModelType(modelType.textValue());
            if (a == null) {
                throw new ModelDirectoryException(file, "model_type \"" + modelType.textValue()
                        + "\" is not supported", "quantcheck runs bert and distilbert encoders; use one of those");
            }
            return a;
        }
        JsonNode architectures = raw.get("architectures");
        if (architectures != null && architectures.isArray() && architectures.size() > 0) {
            Architecture a = Architecture.ofClassName(architectures.get(0).asText());
            if (a != null) {
                return a;
            }
            throw new ModelDirectoryException(file, "architecture " + architectures.get(0)
                    + " is not supported", "quantcheck runs bert and distilbert encoders; use one of those");
        }
        throw new ModelDirectoryException(file, "there is neither \"model_type\" nor \"architectures\"",
                "add \"model_type\": \"bert\" or \"distilbert\"");
    }

    private static String embeddingPrefix(Path dir, ModelWeights weights) throws ModelDirectoryException {
        for (String name : weights.names()) {
            if (name.endsWith("embeddings.word_embeddings.weight")) {
                return name.substring(0, name.length() - "embeddings.word_embeddings.weight".length());
            }
        }
        throw new ModelDirectoryException(dir.resolve("model.safetensors"),
                "there is no embeddings.word_embeddings.weight", "these are not BERT or DistilBERT weights; "
                + "use Hugging Face names (embeddings.word_embeddings.weight, encoder.layer.0....)");
    }

    /**
     * Every layer stored quantized, by module path. MLX decides per layer by the presence of {@code P.scales};
     * the config says with which bits and group size, and the shapes must agree with it.
     */
    private static Map<String, LayerQuantization> quantizedLayers(Path configFile, ModelWeights weights,
                                                                  Optional<QuantizationConfig> quantization)
            throws ModelDirectoryException {
        Map<String, LayerQuantization> layers = new LinkedHashMap<>();
        for (String name : weights.names()) {
            if (!name.endsWith(".scales")) {
                continue;
            }
            String module = name.substring(0, name.length() - ".scales".length());
            if (quantization.isEmpty()) {
                throw new ModelDirectoryException(configFile, "the weights hold a quantized layer '" + module
                        + "' but the config has no \"quantization\" block",
                        "add the block the model was converted with, e.g. \"quantization\": "
                                + "{\"group_size\": 64, \"bits\": 4, \"mode\": \"affine\"}");
            }
            LayerQuantization q = quantization.get().forLayer(module).orElseThrow(() ->
                    new ModelDirectoryException(configFile, "\"quantization." + module
                            + "\" is false, but the weights hold it quantized",
                            "remove that entry, or restore the float weights of the layer"));
            QuantizedShapes.check(configFile, weights, module, q);
            layers.put(module, q);
        }
        return Collections.unmodifiableMap(layers);
    }

    private void checkLayerCount() throws ModelDirectoryException {
        TreeSet<Integer> indices = new TreeSet<>();
        for (String name : weights.names()) {
            Matcher m = LAYER_INDEX.matcher(name);
            if (m.find()) {
                indices.add(Integer.parseInt(m.group(1)));
            }
        }
        int found = indices.isEmpty() ? 0 : indices.last() + 1;
        if (found != config.numLayers() || indices.size() != found) {
            String key = config.architecture() == Architecture.DISTILBERT ? "n_layers" : "num_hidden_layers";
            throw new ModelDirectoryException(path.resolve(CONFIG), "it says " + key + " = " + config.numLayers()
                    + " but the weights have " + indices.size() + " layers " + indices,
                    "set " + key + " to the number of layers the weights have, or use the weights this config "
                            + "belongs to");
        }
    }

    private void checkEmbeddings(Path tokenizer) throws IOException {
        String wordEmbeddings = prefix + "embeddings.word_embeddings";
        long rows = weights.info(wordEmbeddings + ".weight").dim(0);
        long dim = logicalColumns(wordEmbeddings);
        if (rows != config.vocabSize()) {
            throw new ModelDirectoryException(path.resolve(CONFIG), "vocab_size is " + config.vocabSize()
                    + " but the word embedding table has " + rows + " rows",
                    "set vocab_size to " + rows + " or use the matching weights");
        }
        if (dim != config.hiddenSize()) {
            throw new ModelDirectoryException(path.resolve(CONFIG), "the hidden size is " + config.hiddenSize()
                    + " but the word embeddings are " + dim + " wide",
                    "set the hidden size to " + dim + " or use the matching weights");
        }
        int tokenizerVocab = TokenizerFiles.vocabularySize(tokenizer);
        if (tokenizerVocab > rows) {
            throw new ModelDirectoryException(tokenizer, "the tokenizer has " + tokenizerVocab
                    + " token ids but the embedding table only " + rows + " rows, so some ids have no embedding",
                    "use the tokenizer.json of the model these weights come from");
        }
    }

    /**
     * Every tensor the encoder's forward pass reads is there, stored as floats (or packed, for a quantized layer),
     * in the shape the config implies: so that {@code convert} refuses what {@code embed} would, before writing.
     */
    private void checkEncoderTensors() throws ModelDirectoryException {
        int hidden = config.hiddenSize();
        String e = "embeddings.";
        requireTensor(e + "position_embeddings.weight", config.maxPositions(), hidden);
        if (config.architecture() == Architecture.BERT) {
            requireTensor(e + "token_type_embeddings.weight", config.typeVocabSize(), hidden);
        }
        requireNorm(e + "LayerNorm", hidden);
        for (int layer = 0; layer < config.numLayers(); layer++) {
            for (LayerModule m : LayerModule.values()) {
                String module = m.path(config.architecture(), layer);
                if (m == LayerModule.ATTENTION_NORM || m == LayerModule.OUTPUT_NORM) {
                    requireNorm(module, hidden);
                    continue;
                }
                int out = m == LayerModule.INTERMEDIATE ? config.intermediateSize() : hidden;
                int in = m == LayerModule.OUTPUT ? config.intermediateSize() : hidden;
                requireTensor(module + ".weight", out, in);
                requireTensor(module + ".bias", out);
            }
        }
    }

    /** A LayerNorm's weight and bias, under either naming ({@code weight}/{@code bias} or {@code gamma}/{@code beta}). */
    private void requireNorm(String module, int width) throws ModelDirectoryException {
        boolean legacy = !weights.contains(prefix + module + ".weight") && weights.contains(prefix + module + ".gamma");
        requireTensor(module + (legacy ? ".gamma" : ".weight"), width);
        requireTensor(module + (legacy ? ".beta" : ".bias"), width);
    }

    private void requireTensor(String name, long... shape) throws ModelDirectoryException {
        String full = prefix + name;
        Path file = weights.pathOf(full);
        String fix = "use the complete, unmodified weights of the " + config.architecture().modelType()
                + " model this config.json belongs to";
        if (!weights.contains(full)) {
            throw new ModelDirectoryException(file, "the tensor '" + full + "' is missing", fix);
        }
        TensorInfo info = weights.info(full);
        String module = name.substring(0, name.lastIndexOf('.'));
        boolean packed = name.endsWith(".weight") && quantizedLayers.containsKey(prefix + module);
        if (!packed && !info.dtype().isWeightFloat()) {
            throw new ModelDirectoryException(file, "the tensor '" + full + "' is " + info.dtype().fileName()
                    + ", not a float type (F32, F16, BF16), and config.json does not say it is quantized", fix);
        }
        long[] stored = info.shape();
        if (packed) {
            stored[stored.length - 1] = logicalColumns(prefix + module);
        }
        if (!Arrays.equals(stored, shape)) {
            throw new ModelDirectoryException(file, "the tensor '" + full + "' has shape " + Arrays.toString(stored)
                    + " but config.json implies " + Arrays.toString(shape), fix);
        }
    }

    /**
     * Refuses weights that hold NaN or Inf, which would make every embedding NaN; {@code fix} says what the caller
     * offers instead.
     *
     * @throws ModelDirectoryException naming the first tensor, the index of its first bad value and the counts
     */
    public void requireFiniteWeights(String fix) throws ModelDirectoryException {
        List<NonFiniteValues> bad = weights.nonFinite();
        if (bad.isEmpty()) {
            return;
        }
        NonFiniteValues first = bad.get(0);
        throw new ModelDirectoryException(weights.pathOf(first.tensor()), "the tensor '" + first.tensor()
                + "' holds " + first.firstValue() + " at " + first.firstIndex() + " (" + first.nanCount() + " NaN, "
                + first.infCount() + " Inf in it" + (bad.size() == 1 ? ")" : "; " + bad.size()
                + " tensors hold non-finite values)") + "; the embeddings would come out NaN", fix);
    }

    /** The width of a layer's weight as the model sees it: unpacked when the layer is quantized. */
    public long logicalColumns(String module) {
        TensorInfo weight = weights.info(module + ".weight");
        LayerQuantization q = quantizedLayers.get(module);
        return q == null ? weight.dim(-1) : weight.dim(-1) * 32 / q.bits();
    }

    // ---------------------------------------------------------------- access

    public Path path() {
        return path;
    }

    public ModelConfig config() {
        return config;
    }

    public Architecture architecture() {
        return config.architecture();
    }

    public ModelWeights weights() {
        return weights;
    }

    /** What comes before {@code embeddings.} in the weight names: {@code ""}, {@code "bert."} or {@code "distilbert."}. */
    public String weightPrefix() {
        return prefix;
    }

    public Path tokenizerFile() {
        return path.resolve(TOKENIZER);
    }

    public Pooling pooling() {
        return pooling;
    }

    /** The config's quantization block; empty for a float model. */
    public Optional<QuantizationConfig> quantization() {
        return quantization;
    }

    /** The layers stored quantized (by module path, e.g. {@code encoder.layer.0.attention.self.query}). */
    public Map<String, LayerQuantization> quantizedLayers() {
        return quantizedLayers;
    }

    /** The quantization of one module, empty when it is stored in float. */
    public Optional<LayerQuantization> quantizationOf(String module) {
        return Optional.ofNullable(quantizedLayers.get(module));
    }

    public boolean isQuantized() {
        return !quantizedLayers.isEmpty();
    }

    /** {@code conversion_metadata.json}, when the model was converted by quantcheck or a compatible tool. */
    public Optional<JsonNode> conversionMetadata() {
        return conversionMetadata;
    }

    @Override
    public void close() throws IOException {
        weights.close();
    }

    @Override
    public String toString() {
        return "ModelDirectory[" + path + ", " + config.architecture().modelType() + ", " + config.numLayers()
                + " layers, " + (isQuantized() ? quantizedLayers.size() + " quantized layers" : "float") + "]";
    }
}

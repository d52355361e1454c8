package dev.quantcheck.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.quantcheck.format.AtomicFiles;
import dev.quantcheck.format.ContentHash;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.SafetensorsWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Turns an ONNX export of a BERT encoder (such as all-MiniLM-L6-v2) and its {@code tokenizer.json} into a
 * Hugging Face model folder that transformers, sentence-transformers and mlx-embeddings load:
 *
 * <pre>
 * model.safetensors          F32, BertModel names, Linear weights as [out, in]
 * config.json                read from the weights and the graph
 * tokenizer.json             copied
 * tokenizer_config.json      derived from tokenizer.json
 * special_tokens_map.json    derived from tokenizer.json
 * modules.json               Transformer, mean Pooling, Normalize
 * sentence_bert_config.json
 * 1_Pooling/config.json
 * 2_Normalize/               empty: the module has no parameters
 * import_metadata.json       source file, SHA-256, opset, where each tensor came from
 * </pre>
 *
 * <p>The folder is written through {@link AtomicFiles#writeDirectory}: a failure leaves an existing folder as it
 * was. Nothing is downloaded.
 *
 * <pre>{@code
 * OnnxImportSummary s = OnnxBertImporter.importModel(Path.of("model.onnx"), Path.of("tokenizer.json"), out);
 * }</pre>
 */
public final class OnnxBertImporter {
    /** sentence-transformers' all-MiniLM-L6-v2 truncates at 256 tokens although the model has 512 positions. */
    static final int SENTENCE_MAX_SEQ_LENGTH = 256;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = JSON.writer()
            .with(SerializationFeature.INDENT_OUTPUT)
            .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .with(new DefaultPrettyPrinter()
                    .withSeparators(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE));

    private OnnxBertImporter() {
    }

    /**
     * Imports {@code onnx} (memory-mapped) with the tokenizer {@code tokenizerJson} into {@code outputDir}.
     *
     * @throws OnnxFormatException naming the file when it is not a readable BERT export
     * @throws IOException         when a file cannot be read or written, or the tokenizer is not valid JSON
     */
    public static OnnxImportSummary importModel(Path onnx, Path tokenizerJson, Path outputDir) throws IOException {
        byte[] tokenizer = Files.readAllBytes(tokenizerJson);
        try (FileChannel channel = FileChannel.open(onnx, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new OnnxFormatException(onnx.toString(), "the file has " + channel.size() + " bytes; ONNX"
                        + " files over 2 GiB keep their weights as external data, which is not supported");
            }
            ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            return importModel(bytes, onnx.toString(), String.valueOf(onnx.getFileName()), tokenizer,
                    tokenizerJson.toString(), String.valueOf(tokenizerJson.getFileName()), outputDir);
        }
    }

    /**
     * Imports a model held in memory, e.g. read from a jar resource.
     *
     * @param onnxName      names the ONNX model in messages and in {@code import_metadata.json}
     * @param tokenizerName names the tokenizer in messages
     */
    public static OnnxImportSummary importModel(byte[] onnx, String onnxName, byte[] tokenizerJson,
                                                String tokenizerName, Path outputDir) throws IOException {
        return importModel(ByteBuffer.wrap(onnx), onnxName, onnxName, tokenizerJson, tokenizerName, tokenizerName,
                outputDir);
    }

    /** Imports from two streams, read to the end (not closed). */
    public static OnnxImportSummary importModel(InputStream onnx, String onnxName, InputStream tokenizerJson,
                                                String tokenizerName, Path outputDir) throws IOException {
        return importModel(onnx.readAllBytes(), onnxName, tokenizerJson.readAllBytes(), tokenizerName, outputDir);
    }

    /** {@code *Source} names a file in messages (the full path), {@code *FileName} in import_metadata.json. */
    private static OnnxImportSummary importModel(ByteBuffer onnx, String onnxSource, String onnxFileName,
                                                 byte[] tokenizerBytes, String tokenizerSource,
                                                 String tokenizerFileName, Path outputDir) throws IOException {
        OnnxModel model = OnnxModelReader.read(onnx.duplicate(), onnxSource);
        BertGraph bert = BertGraph.analyse(model);
        BertConfig config = bert.config();
        TokenizerInfo tokenizer = TokenizerInfo.parse(tokenizerBytes, tokenizerSource, config.vocabSize());
        String onnxSha = ContentHash.ofBytes(onnx);

        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("importer", OnnxBertImporter.class.getName());
        metadata.put("source_onnx", onnxFileName);
        metadata.put("source_onnx_sha256", onnxSha);
        metadata.put("source_onnx_bytes", onnx.remaining());
        metadata.put("onnx_opset", model.opset());
        metadata.put("onnx_ir_version", model.irVersion());
        metadata.put("onnx_producer", (model.producerName() + " " + model.producerVersion()).trim());
        metadata.put("source_tokenizer", tokenizerFileName);
        metadata.put("source_tokenizer_sha256", ContentHash.ofBytes(ByteBuffer.wrap(tokenizerBytes)));
        Map<String, String> sources = new TreeMap<>();
        for (BertGraph.Weight w : bert.weights()) {
            sources.put(w.name(), w.source().name() + (w.transpose() ? " (transposed)" : ""));
        }
        metadata.put("tensor_sources", sources);
        metadata.put("skipped_initializers", bert.skipped());

        SafetensorsWriter weights = new SafetensorsWriter().metadata("format", "pt");
        for (BertGraph.Weight w : bert.weights()) {
            weights.add(w.name(), DType.F32, w.shape(), w.bytes());
        }
        AtomicFiles.requireReplaceable(outputDir, "import_metadata.json");
        AtomicFiles.writeDirectory(outputDir, dir -> {
            weights.write(dir.resolve("model.safetensors"));
            writeJson(dir.resolve("config.json"), configJson(config, tokenizer));
            Files.write(dir.resolve("tokenizer.json"), tokenizerBytes);
            writeJson(dir.resolve("tokenizer_config.json"), tokenizer.tokenizerConfig(config.maxPositionEmbeddings()));
            writeJson(dir.resolve("special_tokens_map.json"), tokenizer.specialTokens());
            writeSentenceTransformers(dir, config);
            writeJson(dir.resolve("import_metadata.json"), metadata);
        });
        int transposed = (int) bert.weights().stream().filter(BertGraph.Weight::transpose).count();
        return new OnnxImportSummary(outputDir, onnxFileName, onnxSha, model.opset(), config,
                tokenizer.padTokenId(), bert.weights().size(), weights.tensorBytes(), transposed);
    }

    // ---------------------------------------------------------------- the files

    /** config.json: what a Hugging Face BertConfig needs, every value from the graph or the tokenizer. */
    static Map<String, Object> configJson(BertConfig c, TokenizerInfo tokenizer) {
        Map<String, Object> json = new TreeMap<>();
        json.put("model_type", "bert");
        json.put("architectures", List.of("BertModel"));
        json.put("hidden_size", c.hiddenSize());
        json.put("num_hidden_layers", c.numHiddenLayers());
        json.put("num_attention_heads", c.numAttentionHeads());
        json.put("intermediate_size", c.intermediateSize());
        json.put("vocab_size", c.vocabSize());
        json.put("max_position_embeddings", c.maxPositionEmbeddings());
        json.put("type_vocab_size", c.typeVocabSize());
        json.put("layer_norm_eps", c.layerNormEps());
        json.put("hidden_act", c.hiddenAct());
        json.put("position_embedding_type", "absolute");
        json.put("torch_dtype", "float32");
        tokenizer.padTokenId().ifPresent(id -> json.put("pad_token_id", id));
        return json;
    }

    private static void writeSentenceTransformers(Path dir, BertConfig config) throws IOException {
        List<Map<String, Object>> modules = new ArrayList<>();
        modules.add(module(0, "", "sentence_transformers.models.Transformer"));
        modules.add(module(1, "1_Pooling", "sentence_transformers.models.Pooling"));
        modules.add(module(2, "2_Normalize", "sentence_transformers.models.Normalize"));
        writeJson(dir.resolve("modules.json"), modules);

        Map<String, Object> pooling = new TreeMap<>();
        pooling.put("word_embedding_dimension", config.hiddenSize());
        pooling.put("pooling_mode_cls_token", false);
        pooling.put("pooling_mode_mean_tokens", true);
        pooling.put("pooling_mode_max_tokens", false);
        pooling.put("pooling_mode_mean_sqrt_len_tokens", false);
        pooling.put("pooling_mode_weightedmean_tokens", false);
        pooling.put("pooling_mode_lasttoken", false);
        Files.createDirectories(dir.resolve("1_Pooling"));
        writeJson(dir.resolve("1_Pooling").resolve("config.json"), pooling);
        Files.createDirectories(dir.resolve("2_Normalize"));

        Map<String, Object> sentenceBert = new TreeMap<>();
        sentenceBert.put("max_seq_length", Math.min(SENTENCE_MAX_SEQ_LENGTH, config.maxPositionEmbeddings()));
        sentenceBert.put("do_lower_case", false);
        writeJson(dir.resolve("sentence_bert_config.json"), sentenceBert);
    }

    private static Map<String, Object> module(int idx, String path, String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("idx", idx);
        m.put("name", String.valueOf(idx));
        m.put("path", path);
        m.put("type", type);
        return m;
    }

    static void writeJson(Path file, Object value) throws IOException {
        Files.writeString(file, PRETTY.writeValueAsString(value) + "\n");
    }

    // ---------------------------------------------------------------- tokenizer.json

    /** What the other tokenizer files and config.json need from a Hugging Face {@code tokenizer.json}. */
    record TokenizerInfo(String modelType, boolean lowerCase, JsonNode normalizer, Map<String, String> specials,
                         OptionalInt padTokenId) {

        static TokenizerInfo parse(byte[] bytes, String name, int vocabSize) throws IOException {
            JsonNode root;
            try {
                root = JSON.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw new IOException(name + ": not valid JSON (" + e.getOriginalMessage() + "); pass the model's"
                        + " Hugging Face tokenizer.json");
            }
            if (root == null || !root.path("model").isObject()) {
                throw new IOException(name + ": has no \"model\" object; this is not a Hugging Face tokenizer.json."
                        + " Pass the tokenizer.json that belongs to the ONNX model");
            }
            Map<String, Integer> ids = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.path("model").path("vocab").properties()) {
                ids.put(e.getKey(), e.getValue().asInt());
            }
            for (JsonNode t : root.path("added_tokens")) {
                ids.put(t.path("content").asText(), t.path("id").asInt());
            }
            int maxId = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
            if (maxId >= vocabSize) {
                throw new IOException(name + ": has token id " + maxId + " but the model's embedding table has only "
                        + vocabSize + " rows; this tokenizer belongs to a different model");
            }
            Map<String, String> specials = new TreeMap<>();
            String unk = root.path("model").path("unk_token").asText("");
            if (!unk.isEmpty()) {
                specials.put("unk_token", unk);
            }
            List<String> template = new ArrayList<>();
            for (JsonNode piece : root.path("post_processor").path("single")) {
                if (piece.has("SpecialToken")) {
                    template.add(piece.path("SpecialToken").path("id").asText());
                }
            }
            if (root.path("post_processor").has("cls")) {
                template = List.of(root.path("post_processor").path("cls").path(0).asText(),
                        root.path("post_processor").path("sep").path(0).asText());
            }
            if (template.size() == 2) {
                specials.put("cls_token", template.get(0));
                specials.put("sep_token", template.get(1));
            }
            String pad = root.path("padding").path("pad_token").asText("");
            if (pad.isEmpty() && ids.containsKey("[PAD]")) {
                pad = "[PAD]";
            }
            if (!pad.isEmpty()) {
                specials.put("pad_token", pad);
            }
            for (String mask : List.of("[MASK]", "<mask>")) {
                if (ids.containsKey(mask)) {
                    specials.put("mask_token", mask);
                }
            }
            OptionalInt padId = root.path("padding").path("pad_id").isInt()
                    ? OptionalInt.of(root.path("padding").path("pad_id").asInt())
                    : ids.containsKey(pad) ? OptionalInt.of(ids.get(pad)) : OptionalInt.empty();
            JsonNode normalizer = root.path("normalizer");
            return new TokenizerInfo(root.path("model").path("type").asText(""), lowerCases(normalizer),
                    normalizer, specials, padId);
        }

        /** A BertNormalizer with lowercase, or a Lowercase step in a Sequence. */
        private static boolean lowerCases(JsonNode normalizer) {
            String type = normalizer.path("type").asText("");
            if (type.equals("BertNormalizer")) {
                return normalizer.path("lowercase").asBoolean(false);
            } else if (type.equals("Lowercase")) {
                return true;
            } else if (type.equals("Sequence")) {
                for (JsonNode n : normalizer.path("normalizers")) {
                    if (lowerCases(n)) {
                        return true;
                    }
                }
            }
            return false;
        }

        Map<String, Object> specialTokens() {
            return new TreeMap<>(specials);
        }

        Map<String, Object> tokenizerConfig(int modelMaxLength) {
            Map<String, Object> json = new TreeMap<>(specials);
            json.put("do_lower_case", lowerCase);
            json.put("model_max_length", modelMaxLength);
            json.put("clean_up_tokenization_spaces", true);
            if (modelType.equals("WordPiece")) {
                json.put("tokenizer_class", "BertTokenizer");
            }
            if (normalizer.path("type").asText("").equals("BertNormalizer")) {
                json.put("tokenize_chinese_chars", normalizer.path("handle_chinese_chars").asBoolean(true));
                JsonNode strip = normalizer.path("strip_accents");
                json.put("strip_accents", strip.isBoolean() ? strip.asBoolean() : null);
            }
            return json;
        }
    }
}

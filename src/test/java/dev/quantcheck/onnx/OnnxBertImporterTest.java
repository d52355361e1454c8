package dev.quantcheck.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.SafetensorsFile;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Imports the real all-MiniLM-L6-v2 from the jar once and checks the folder against the ONNX file itself. */
class OnnxBertImporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    static Path out;
    static OnnxImportSummary summary;

    @BeforeAll
    static void importTheRealModel() throws IOException {
        BuiltinMiniLm.ModelFiles files = RealMiniLm.files();
        out = temp.resolve("all-MiniLM-L6-v2");
        long start = System.nanoTime();
        summary = OnnxBertImporter.importModel(files.onnx(), BuiltinMiniLm.ONNX_RESOURCE, files.tokenizerJson(),
                BuiltinMiniLm.TOKENIZER_RESOURCE, out);
        System.out.printf("imported %s in %d ms: %s%n", files.onnxName(), (System.nanoTime() - start) / 1_000_000,
                summary);
    }

    private static JsonNode json(String file) throws IOException {
        return JSON.readTree(out.resolve(file).toFile());
    }

    /** Every tensor of a 6-layer, 384-wide BertModel without pooler (this export has none), with its HF shape. */
    private static Map<String, long[]> expectedShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("embeddings.word_embeddings.weight", new long[] {30522, 384});
        shapes.put("embeddings.position_embeddings.weight", new long[] {512, 384});
        shapes.put("embeddings.token_type_embeddings.weight", new long[] {2, 384});
        shapes.put("embeddings.LayerNorm.weight", new long[] {384});
        shapes.put("embeddings.LayerNorm.bias", new long[] {384});
        for (int i = 0; i < 6; i++) {
            String p = "encoder.layer." + i + ".";
            for (String qkv : List.of("query", "key", "value")) {
                shapes.put(p + "attention.self." + qkv + ".weight", new long[] {384, 384});
                shapes.put(p + "attention.self." + qkv + ".bias", new long[] {384});
            }
            shapes.put(p + "attention.output.dense.weight", new long[] {384, 384});
            shapes.put(p + "attention.output.dense.bias", new long[] {384});
            shapes.put(p + "attention.output.LayerNorm.weight", new long[] {384});
            shapes.put(p + "attention.output.LayerNorm.bias", new long[] {384});
            shapes.put(p + "intermediate.dense.weight", new long[] {1536, 384});
            shapes.put(p + "intermediate.dense.bias", new long[] {1536});
            shapes.put(p + "output.dense.weight", new long[] {384, 1536});
            shapes.put(p + "output.dense.bias", new long[] {384});
            shapes.put(p + "output.LayerNorm.weight", new long[] {384});
            shapes.put(p + "output.LayerNorm.bias", new long[] {384});
        }
        return shapes;
    }

    @Test
    void everyBertTensorIsPresentAsF32WithItsHuggingFaceShape() throws IOException {
        Map<String, long[]> expected = expectedShapes();
        assertThat(expected).hasSize(5 + 6 * 16);
        try (SafetensorsFile st = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertThat(st.names()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                TensorInfo info = st.info(e.getKey());
                assertThat(info.dtype()).as(e.getKey()).isEqualTo(DType.F32);
                assertThat(info.shape()).as(e.getKey()).containsExactly(e.getValue());
            }
            assertThat(st.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void configValuesComeOutOfTheGraph() throws IOException {
        JsonNode config = json("config.json");
        assertThat(config.path("model_type").asText()).isEqualTo("bert");
        assertThat(config.path("architectures").get(0).asText()).isEqualTo("BertModel");
        assertThat(config.path("num_hidden_layers").asInt()).isEqualTo(6);
        assertThat(config.path("hidden_size").asInt()).isEqualTo(384);
        assertThat(config.path("num_attention_heads").asInt()).isEqualTo(12);
        assertThat(config.path("intermediate_size").asInt()).isEqualTo(1536);
        assertThat(config.path("vocab_size").asInt()).isEqualTo(30522);
        assertThat(config.path("max_position_embeddings").asInt()).isEqualTo(512);
        assertThat(config.path("type_vocab_size").asInt()).isEqualTo(2);
        assertThat(config.path("layer_norm_eps").asDouble()).isEqualTo(1e-12);
        assertThat(config.path("hidden_act").asText()).isEqualTo("gelu");
        assertThat(config.path("torch_dtype").asText()).isEqualTo("float32");
        assertThat(config.path("pad_token_id").asInt()).isEqualTo(0);
        assertThat(summary.config()).isEqualTo(new BertConfig(384, 6, 12, 1536, 30522, 512, 2, 1e-12, "gelu", false));
    }

    /**
     * Checks every element of every written tensor against the parsed ONNX, naming the anonymous MatMul weights
     * independently of the importer: by the MatMul node's scope name only.
     */
    @Test
    void everyElementEqualsTheOnnxInitializerTransposedWhereTheGraphMultipliesByIt() throws IOException {
        OnnxGraph graph = RealMiniLm.model().graph();
        Map<String, String> matMulScope = new HashMap<>();
        for (OnnxNode n : graph.nodes()) {
            if (n.opType().equals("MatMul") && n.input(1).startsWith("onnx::MatMul_")) {
                String scope = n.name().substring(1, n.name().lastIndexOf("/MatMul"));
                matMulScope.put(n.input(1), scope.replace('/', '.') + ".weight");
            }
        }
        assertThat(matMulScope).hasSize(36);
        int compared = 0;
        long elements = 0;
        try (SafetensorsFile st = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            for (OnnxTensor init : graph.initializers()) {
                if (init.name().equals("embeddings.position_ids")) {
                    assertThat(st.contains(init.name())).isFalse();
                    continue;
                }
                IntBuffer onnx = init.data().asIntBuffer();
                boolean transposed = matMulScope.containsKey(init.name());
                String name = transposed ? matMulScope.get(init.name()) : init.name();
                IntBuffer written = st.bytes(name).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
                assertThat(written.remaining()).as(name).isEqualTo(onnx.remaining());
                if (transposed) {
                    int in = (int) init.dim(0);
                    int outDim = (int) init.dim(1);
                    assertThat(st.info(name).shape()).containsExactly(outDim, in);
                    for (int o = 0; o < outDim; o++) {
                        for (int i = 0; i < in; i++) {
                            if (written.get(o * in + i) != onnx.get(i * outDim + o)) {
                                throw new AssertionError(name + "[" + o + "," + i + "] differs from " + init.name()
                                        + "[" + i + "," + o + "]");
                            }
                        }
                    }
                } else {
                    assertThat(st.info(name).shape()).containsExactly(init.dims());
                    for (int k = 0; k < onnx.remaining(); k++) {
                        if (written.get(k) != onnx.get(k)) {
                            throw new AssertionError(name + " element " + k + " differs");
                        }
                    }
                }
                compared++;
                elements += onnx.remaining();
            }
            assertThat(compared).isEqualTo(st.names().size()).isEqualTo(101);
            assertThat(elements * 4).isEqualTo(st.tensorBytes());
        }
    }

    @Test
    void theSafetensorsSurviveAReadWriteReadRoundTripByteForByte() throws IOException {
        Path copy = temp.resolve("copy.safetensors");
        try (SafetensorsFile first = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            new SafetensorsWriter().addAll(first).write(copy);
            try (SafetensorsFile second = SafetensorsFile.open(copy)) {
                assertThat(second.names()).isEqualTo(first.names());
                assertThat(second.metadata()).isEqualTo(first.metadata());
                for (String name : first.names()) {
                    assertThat(second.info(name)).as(name).isEqualTo(first.info(name));
                    assertThat(second.bytes(name)).as(name).isEqualTo(first.bytes(name));
                }
            }
        }
        assertThat(Files.mismatch(copy, out.resolve("model.safetensors"))).isEqualTo(-1L);
    }

    @Test
    void theTokenizerIsCopiedAndItsSettingsDerived() throws IOException {
        assertThat(Files.readAllBytes(out.resolve("tokenizer.json"))).isEqualTo(RealMiniLm.files().tokenizerJson());
        JsonNode config = json("tokenizer_config.json");
        assertThat(config.path("do_lower_case").asBoolean()).isTrue();
        assertThat(config.path("model_max_length").asInt()).isEqualTo(512);
        assertThat(config.path("tokenizer_class").asText()).isEqualTo("BertTokenizer");
        Map<String, String> specials = new TreeMap<>();
        json("special_tokens_map.json").properties().forEach(e -> specials.put(e.getKey(), e.getValue().asText()));
        assertThat(specials).containsExactlyInAnyOrderEntriesOf(Map.of("cls_token", "[CLS]", "sep_token", "[SEP]",
                "pad_token", "[PAD]", "unk_token", "[UNK]", "mask_token", "[MASK]"));
    }

    @Test
    void theSentenceTransformersFilesDescribeMeanPoolingAndNormalisation() throws IOException {
        JsonNode modules = json("modules.json");
        assertThat(modules).hasSize(3);
        assertThat(modules.get(0).path("type").asText()).isEqualTo("sentence_transformers.models.Transformer");
        assertThat(modules.get(0).path("path").asText()).isEmpty();
        assertThat(modules.get(1).path("path").asText()).isEqualTo("1_Pooling");
        assertThat(modules.get(1).path("type").asText()).isEqualTo("sentence_transformers.models.Pooling");
        assertThat(modules.get(2).path("path").asText()).isEqualTo("2_Normalize");
        assertThat(modules.get(2).path("type").asText()).isEqualTo("sentence_transformers.models.Normalize");
        assertThat(out.resolve("2_Normalize")).isDirectory();

        JsonNode pooling = json("1_Pooling/config.json");
        assertThat(pooling.path("word_embedding_dimension").asInt()).isEqualTo(384);
        pooling.properties().forEach(e -> {
            if (e.getKey().startsWith("pooling_mode_")) {
                assertThat(e.getValue().asBoolean()).as(e.getKey()).isEqualTo(e.getKey().equals("pooling_mode_mean_tokens"));
            }
        });
        JsonNode sentenceBert = json("sentence_bert_config.json");
        assertThat(sentenceBert.path("max_seq_length").asInt()).isEqualTo(256);
        assertThat(sentenceBert.path("do_lower_case").asBoolean()).isFalse();
    }

    @Test
    void theImportIsRecordedWithTheSourceHashAndOpset() throws IOException {
        String sha = dev.quantcheck.format.ContentHash.ofBytes(ByteBuffer.wrap(RealMiniLm.files().onnx()));
        JsonNode meta = json("import_metadata.json");
        assertThat(meta.path("source_onnx").asText()).isEqualTo("all-minilm-l6-v2.onnx");
        assertThat(meta.path("source_onnx_sha256").asText()).isEqualTo(sha).hasSize(64);
        assertThat(meta.path("source_onnx_bytes").asLong()).isEqualTo(90_387_606L);
        assertThat(meta.path("onnx_opset").asInt()).isEqualTo(11);
        assertThat(meta.path("tensor_sources").path("encoder.layer.0.attention.self.query.weight").asText())
                .isEqualTo("onnx::MatMul_787 (transposed)");
        assertThat(meta.path("skipped_initializers").get(0).asText()).isEqualTo("embeddings.position_ids");
        assertThat(summary.onnxSha256()).isEqualTo(sha);
        assertThat(summary.opset()).isEqualTo(11);
        assertThat(summary.tensorCount()).isEqualTo(101);
        assertThat(summary.transposed()).isEqualTo(36);
        assertThat(summary.padTokenId()).hasValue(0);
    }

    @Test
    void theJsonFilesHaveSortedKeys() throws IOException {
        String config = Files.readString(out.resolve("config.json"));
        assertThat(config).contains("\"architectures\": [");
        assertThat(config.indexOf("\"architectures\"")).isLessThan(config.indexOf("\"hidden_act\""));
        assertThat(config.indexOf("\"type_vocab_size\"")).isLessThan(config.indexOf("\"vocab_size\""));
        assertThat(config).endsWith("}\n");
    }
}

package dev.quantcheck.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes tiny, randomly initialised BERT model folders in Hugging Face layout, with a small but real WordPiece
 * tokenizer, for fast unit tests. Weights are N(0, 0.05) from a fixed seed, LayerNorm weights near 1.
 *
 * <pre>{@code
 * Path model = TinyBert.builder().layers(2).hidden(64).write(tempDir.resolve("tiny"));
 * }</pre>
 */
public final class TinyBert {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** The tokenizer's vocabulary: specials, then words, then letters and their ## continuations. */
    public static final List<String> VOCABULARY = vocabulary();

    private int layers = 2;
    private int hidden = 64;
    private int heads = 4;
    private int intermediate = 128;
    private int positions = 64;
    private int extraVocabRows = 3;
    private DType dtype = DType.F32;
    private long seed = 42;
    private boolean pooling = true;

    private TinyBert() {
    }

    public static TinyBert builder() {
        return new TinyBert();
    }

    public TinyBert layers(int layers) {
        this.layers = layers;
        return this;
    }

    public TinyBert hidden(int hidden) {
        this.hidden = hidden;
        return this;
    }

    public TinyBert heads(int heads) {
        this.heads = heads;
        return this;
    }

    public TinyBert intermediate(int intermediate) {
        this.intermediate = intermediate;
        return this;
    }

    public TinyBert dtype(DType dtype) {
        this.dtype = dtype;
        return this;
    }

    public TinyBert seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Write sentence-transformers files (mean pooling, normalised)? Default true. */
    public TinyBert pooling(boolean pooling) {
        this.pooling = pooling;
        return this;
    }

    public int vocabRows() {
        return VOCABULARY.size() + extraVocabRows;
    }

    /** Every weight of the model, by Hugging Face name, with its shape. */
    public Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("embeddings.word_embeddings.weight", new long[] {vocabRows(), hidden});
        shapes.put("embeddings.position_embeddings.weight", new long[] {positions, hidden});
        shapes.put("embeddings.token_type_embeddings.weight", new long[] {2, hidden});
        shapes.put("embeddings.LayerNorm.weight", new long[] {hidden});
        shapes.put("embeddings.LayerNorm.bias", new long[] {hidden});
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            for (String proj : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense"}) {
                shapes.put(p + proj + ".weight", new long[] {hidden, hidden});
                shapes.put(p + proj + ".bias", new long[] {hidden});
            }
            shapes.put(p + "attention.output.LayerNorm.weight", new long[] {hidden});
            shapes.put(p + "attention.output.LayerNorm.bias", new long[] {hidden});
            shapes.put(p + "intermediate.dense.weight", new long[] {intermediate, hidden});
            shapes.put(p + "intermediate.dense.bias", new long[] {intermediate});
            shapes.put(p + "output.dense.weight", new long[] {hidden, intermediate});
            shapes.put(p + "output.dense.bias", new long[] {hidden});
            shapes.put(p + "output.LayerNorm.weight", new long[] {hidden});
            shapes.put(p + "output.LayerNorm.bias", new long[] {hidden});
        }
        return shapes;
    }

    /** Writes the model folder and returns it. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        SafetensorsWriter writer = new SafetensorsWriter();
        for (Map.Entry<String, long[]> e : shapes().entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] values = new float[(int) n];
            boolean norm = e.getKey().contains("LayerNorm.weight");
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((norm ? 1 : 0) + 0.05 * gaussian(random));
            }
            writer.addFloats(e.getKey(), dtype, e.getValue(), values);
        }
        writer.write(dir.resolve("model.safetensors"));
        JSON.writeValue(dir.resolve("config.json").toFile(), config());
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizer());
        if (pooling) {
            writePooling(dir);
        }
        return dir;
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    public ObjectNode config() {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("BertModel");
        c.put("model_type", "bert");
        c.put("hidden_size", hidden);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("intermediate_size", intermediate);
        c.put("vocab_size", vocabRows());
        c.put("max_position_embeddings", positions);
        c.put("type_vocab_size", 2);
        c.put("layer_norm_eps", 1e-12);
        c.put("hidden_act", "gelu");
        c.put("pad_token_id", 0);
        c.put("torch_dtype", dtype.configName());
        return c;
    }

    private static void writePooling(Path dir) throws IOException {
        ArrayNode modules = JSON.createArrayNode();
        modules.addObject().put("idx", 0).put("name", "0").put("path", "")
                .put("type", "sentence_transformers.models.Transformer");
        modules.addObject().put("idx", 1).put("name", "1").put("path", "1_Pooling")
                .put("type", "sentence_transformers.models.Pooling");
        modules.addObject().put("idx", 2).put("name", "2").put("path", "2_Normalize")
                .put("type", "sentence_transformers.models.Normalize");
        JSON.writeValue(dir.resolve("modules.json").toFile(), modules);
        Files.createDirectories(dir.resolve("1_Pooling"));
        ObjectNode pooling = JSON.createObjectNode();
        pooling.put("pooling_mode_cls_token", false).put("pooling_mode_mean_tokens", true)
                .put("pooling_mode_max_tokens", false).put("pooling_mode_mean_sqrt_len_tokens", false);
        JSON.writeValue(dir.resolve("1_Pooling/config.json").toFile(), pooling);
    }

    private static List<String> vocabulary() {
        List<String> v = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        for (String w : ("a the is are man woman girl boy dog cat playing play eating eat cutting cut onion "
                + "onions guitar soccer beach hair test this . , ! ?").split(" ")) {
            v.add(w);
        }
        for (char c = 'a'; c <= 'z'; c++) {
            v.add(String.valueOf(c));
            v.add("##" + c);
        }
        return List.copyOf(v);
    }

    /** A real Hugging Face tokenizer.json: BERT normaliser and pre-tokeniser, WordPiece, [CLS] ... [SEP]. */
    public static ObjectNode tokenizer() {
        ObjectNode t = JSON.createObjectNode();
        t.put("version", "1.0");
        t.putNull("truncation");
        t.putNull("padding");
        ArrayNode added = t.putArray("added_tokens");
        for (int i = 0; i < 5; i++) {
            added.addObject().put("id", i).put("content", VOCABULARY.get(i)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        t.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
                .put("handle_chinese_chars", true).putNull("strip_accents").put("lowercase", true);
        t.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = t.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (int id : new int[] {2, 3}) {
            ObjectNode s = specials.putObject(VOCABULARY.get(id));
            s.put("id", VOCABULARY.get(id));
            s.putArray("ids").add(id);
            s.putArray("tokens").add(VOCABULARY.get(id));
        }
        t.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = t.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
                .put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < VOCABULARY.size(); i++) {
            vocab.put(VOCABULARY.get(i), i);
        }
        return t;
    }
}

package dev.quantcheck.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.SafetensorsFile;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.DistilBertNames;
import dev.quantcheck.testing.BuiltinTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DistilBERT by equivalence: the MiniLM's weights rewritten under DistilBERT's names (token type 0 folded into the
 * position table, which DistilBERT lacks) must embed exactly as the BERT path does.
 */
class DistilBertEquivalenceTest {
    @TempDir
    Path dir;

    static Path rewriteAsDistilBert(Path bert, Path out, String prefix) throws IOException {
        Files.createDirectories(out);
        SafetensorsWriter writer = new SafetensorsWriter();
        try (SafetensorsFile file = SafetensorsFile.open(bert.resolve("model.safetensors"))) {
            float[] typeZero = java.util.Arrays.copyOf(file.floats("embeddings.token_type_embeddings.weight"), 384);
            for (TensorInfo t : file.tensors()) {
                String name = t.name();
                if (name.equals("embeddings.token_type_embeddings.weight")) {
                    continue;
                }
                float[] values = file.floats(name);
                if (name.equals("embeddings.position_embeddings.weight")) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] += typeZero[i % 384];
                    }
                }
                writer.addFloats(prefix + distilName(name), DType.F32, t.shape(), values);
            }
        }
        writer.write(out.resolve("model.safetensors"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.put("model_type", "distilbert").putArray("architectures").add("DistilBertModel");
        config.put("dim", 384).put("n_layers", 6).put("n_heads", 12).put("hidden_dim", 1536)
                .put("vocab_size", 30522).put("max_position_embeddings", 512).put("activation", "gelu")
                .put("pad_token_id", 0);
        json.writeValue(out.resolve("config.json").toFile(), config);
        for (String f : new String[] {"tokenizer.json", "modules.json"}) {
            Files.copy(bert.resolve(f), out.resolve(f));
        }
        Files.createDirectories(out.resolve("1_Pooling"));
        Files.copy(bert.resolve("1_Pooling/config.json"), out.resolve("1_Pooling/config.json"));
        return out;
    }

    static String distilName(String bert) {
        return DistilBertNames.of(bert);
    }

    @ParameterizedTest(name = "prefix ''{0}''")
    @ValueSource(strings = {"", "distilbert."})
    void distilBertNamesGiveTheSameEmbeddingsAsTheBertPath(String prefix) throws IOException {
        Path bert = BuiltinModels.miniLm();
        Path distil = rewriteAsDistilBert(bert, dir.resolve("distil"), prefix);
        List<String> texts = BuiltinTexts.first(48);
        try (Encoder b = Encoder.load(bert); Encoder d = Encoder.load(distil)) {
            assertThat(d.config().architecture().modelType()).isEqualTo("distilbert");
            float[][] eb = b.embed(texts);
            float[][] ed = d.embed(texts);
            double worst = 0;
            for (int i = 0; i < texts.size(); i++) {
                for (int j = 0; j < eb[i].length; j++) {
                    worst = Math.max(worst, Math.abs(eb[i][j] - ed[i][j]));
                }
            }
            assertThat(worst).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void theRewriteRenamesEveryLayerTensor() {
        assertThat(distilName("encoder.layer.3.output.LayerNorm.weight")).isEqualTo("transformer.layer.3.output_layer_norm.weight");
        assertThat(distilName("encoder.layer.3.attention.output.LayerNorm.bias")).isEqualTo("transformer.layer.3.sa_layer_norm.bias");
        assertThat(distilName("encoder.layer.0.output.dense.weight")).isEqualTo("transformer.layer.0.ffn.lin2.weight");
        assertThat(distilName("encoder.layer.0.attention.output.dense.bias")).isEqualTo("transformer.layer.0.attention.out_lin.bias");
    }
}

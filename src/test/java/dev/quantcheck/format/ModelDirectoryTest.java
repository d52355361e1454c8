package dev.quantcheck.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelDirectoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "encoder.layer.0.attention.self.query";

    @TempDir
    Path dir;

    private Path tiny() throws IOException {
        return TinyBert.builder().write(dir.resolve("tiny"));
    }

    private static void editConfig(Path model, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(model.resolve("config.json").toFile(), config);
    }

    /** Replaces the float query weight of layer 0 by packed-looking tensors of the given shapes. */
    private static void fakePackedQuery(Path model, long[] weight, long[] scales, boolean biases) throws IOException {
        Path file = model.resolve("model.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter().mlxFormat();
        try (SafetensorsFile source = SafetensorsFile.open(file)) {
            for (TensorInfo t : source.tensors()) {
                if (!t.name().equals(QUERY + ".weight")) {
                    writer.add(t.name(), t.dtype(), t.shape(), source.bytes(t.name()));
                }
            }
            writer.add(QUERY + ".weight", DType.U32, weight, ByteBuffer.allocate((int) (weight[0] * weight[1] * 4)));
            writer.add(QUERY + ".scales", DType.F16, scales, ByteBuffer.allocate((int) (scales[0] * scales[1] * 2)));
            if (biases) {
                writer.add(QUERY + ".biases", DType.F16, scales, ByteBuffer.allocate((int) (scales[0] * scales[1] * 2)));
            }
            Path tmp = model.resolve("model.safetensors.new");
            writer.write(tmp);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void readsAFloatBert() throws IOException {
        try (ModelDirectory model = ModelDirectory.open(tiny())) {
            assertThat(model.architecture()).isEqualTo(Architecture.BERT);
            assertThat(model.config().hiddenSize()).isEqualTo(64);
            assertThat(model.config().numLayers()).isEqualTo(2);
            assertThat(model.config().headDim()).isEqualTo(16);
            assertThat(model.config().layerNormEps()).isEqualTo(1e-12);
            assertThat(model.weightPrefix()).isEmpty();
            assertThat(model.pooling()).isEqualTo(new Pooling(Pooling.Mode.MEAN, true));
            assertThat(model.isQuantized()).isFalse();
            assertThat(model.quantization()).isEmpty();
            assertThat(model.conversionMetadata()).isEmpty();
            assertThat(model.weights().names()).hasSize(5 + 2 * 16);
        }
    }

    @Test
    void withoutSentenceTransformersFilesPoolingIsMeanWithoutNormalisation() throws IOException {
        Path model = TinyBert.builder().pooling(false).write(dir.resolve("plain"));
        try (ModelDirectory m = ModelDirectory.open(model)) {
            assertThat(m.pooling()).isEqualTo(Pooling.DEFAULT);
        }
    }

    @Test
    void clsPoolingIsRead() throws IOException {
        Path model = tiny();
        Files.writeString(model.resolve("1_Pooling/config.json"),
                "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}");
        try (ModelDirectory m = ModelDirectory.open(model)) {
            assertThat(m.pooling()).isEqualTo(new Pooling(Pooling.Mode.CLS, true));
        }
    }

    @Test
    void aMissingFolderIsNamed() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> ModelDirectory.open(missing))
                .isInstanceOf(ModelDirectoryException.class)
                .hasMessage(missing + ": no such model folder. Fix: pass a folder with config.json, "
                        + "model.safetensors and tokenizer.json.");
    }

    @Test
    void aMissingConfigIsNamed() throws IOException {
        Path model = tiny();
        Files.delete(model.resolve("config.json"));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .isInstanceOfSatisfying(ModelDirectoryException.class,
                        e -> assertThat(e.file()).isEqualTo(model.resolve("config.json")))
                .hasMessageContaining("the file is missing");
    }

    @Test
    void aMissingTokenizerIsNamed() throws IOException {
        Path model = tiny();
        Files.delete(model.resolve("tokenizer.json"));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessage(model.resolve("tokenizer.json") + ": the tokenizer is missing. Fix: copy tokenizer.json "
                        + "from the original model into " + model + ".");
    }

    @Test
    void missingWeightsAreNamed() throws IOException {
        Path model = tiny();
        Files.delete(model.resolve("model.safetensors"));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("no weights: neither model.safetensors nor model.safetensors.index.json exists");
    }

    @Test
    void anUnknownArchitectureIsRejected() throws IOException {
        Path model = tiny();
        editConfig(model, c -> c.put("model_type", "gpt2"));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("model_type \"gpt2\" is not supported")
                .hasMessageContaining("quantcheck runs bert and distilbert encoders");
    }

    @Test
    void aMissingFieldIsNamed() throws IOException {
        Path model = tiny();
        editConfig(model, c -> c.remove("num_attention_heads"));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("config.json: the field \"num_attention_heads\" is missing");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamed() throws IOException {
        Path model = tiny();
        editConfig(model, c -> c.put("hidden_size", "64"));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("the field \"hidden_size\" is \"64\", not a non-negative integer");
    }

    @Test
    void aConfigWithMoreLayersThanTheWeightsIsRejected() throws IOException {
        Path model = tiny();
        editConfig(model, c -> c.put("num_hidden_layers", 6));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .isInstanceOf(ModelDirectoryException.class)
                .hasMessageContaining("config.json: it says num_hidden_layers = 6 but the weights have 2 layers [0, 1]")
                .hasMessageContaining("Fix: set num_hidden_layers to the number of layers the weights have");
    }

    @Test
    void aVocabSizeThatContradictsTheEmbeddingsIsRejected() throws IOException {
        Path model = tiny();
        editConfig(model, c -> c.put("vocab_size", 30522));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("vocab_size is 30522 but the word embedding table has "
                        + TinyBert.builder().vocabRows() + " rows");
    }

    @Test
    void aTokenizerWithMoreIdsThanEmbeddingRowsIsRejected() throws IOException {
        Path model = tiny();
        ObjectNode tokenizer = TinyBert.tokenizer();
        ((ObjectNode) tokenizer.get("model").get("vocab")).put("zebra", 500);
        JSON.writeValue(model.resolve("tokenizer.json").toFile(), tokenizer);
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("tokenizer.json: the tokenizer has 501 token ids but the embedding table only "
                        + TinyBert.builder().vocabRows() + " rows")
                .hasMessageContaining("use the tokenizer.json of the model these weights come from");
    }

    @Test
    void aHiddenSizeThatContradictsTheEmbeddingsIsRejected() throws IOException {
        Path model = tiny();
        editConfig(model, c -> c.put("hidden_size", 128));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("the hidden size is 128 but the word embeddings are 64 wide");
    }

    @Test
    void aQuantizedLayerIsDetectedByItsScales() throws IOException {
        Path model = tiny();
        // 64 inputs at 4 bits in groups of 32: 8 words, 2 groups
        fakePackedQuery(model, new long[] {64, 8}, new long[] {64, 2}, true);
        editConfig(model, c -> c.putObject("quantization").put("group_size", 32).put("bits", 4));
        try (ModelDirectory m = ModelDirectory.open(model)) {
            assertThat(m.quantizedLayers()).containsOnlyKeys(QUERY);
            assertThat(m.quantizationOf(QUERY)).contains(new LayerQuantization("affine", 4, 32));
            assertThat(m.logicalColumns(QUERY)).isEqualTo(64);
            assertThat(m.isQuantized()).isTrue();
        }
    }

    @Test
    void aPerLayerEntryTakesTheModeDefaultsForMissingKeys() throws IOException {
        Path model = tiny();
        // 64 inputs at 8 bits in groups of 64 (the affine default group): 16 words, 1 group
        fakePackedQuery(model, new long[] {64, 16}, new long[] {64, 1}, true);
        editConfig(model, c -> c.putObject("quantization").put("group_size", 32).put("bits", 4)
                .put("mode", "affine").putObject(QUERY).put("bits", 8));
        try (ModelDirectory m = ModelDirectory.open(model)) {
            assertThat(m.quantizationOf(QUERY)).contains(new LayerQuantization("affine", 8, 64));
        }
    }

    @Test
    void scalesWithoutAQuantizationBlockAreRejected() throws IOException {
        Path model = tiny();
        fakePackedQuery(model, new long[] {64, 8}, new long[] {64, 2}, true);
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("the weights hold a quantized layer '" + QUERY
                        + "' but the config has no \"quantization\" block");
    }

    @Test
    void shapesThatDoNotFitTheConfiguredBitsAreRejected() throws IOException {
        Path model = tiny();
        fakePackedQuery(model, new long[] {64, 8}, new long[] {64, 2}, true);
        editConfig(model, c -> c.putObject("quantization").put("group_size", 64).put("bits", 8));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("layer '" + QUERY + "' (affine 8-bit, group 64): packed weight [64, 8] and "
                        + "scales [64, 2] do not fit 8 bits in groups of 64");
    }

    @Test
    void anAffineLayerWithoutBiasesIsRejected() throws IOException {
        Path model = tiny();
        fakePackedQuery(model, new long[] {64, 8}, new long[] {64, 2}, false);
        editConfig(model, c -> c.putObject("quantization").put("group_size", 32).put("bits", 4));
        assertThatThrownBy(() -> ModelDirectory.open(model)).hasMessageContaining("has no biases");
    }

    @Test
    void aLayerMarkedFalseButStoredQuantizedIsRejected() throws IOException {
        Path model = tiny();
        fakePackedQuery(model, new long[] {64, 8}, new long[] {64, 2}, true);
        editConfig(model, c -> c.putObject("quantization").put("group_size", 32).put("bits", 4).put(QUERY, false));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("\"quantization." + QUERY + "\" is false, but the weights hold it quantized");
    }

    @Test
    void anUnknownModeIsRejected() throws IOException {
        Path model = tiny();
        editConfig(model, c -> c.putObject("quantization").put("mode", "int4"));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("\"quantization.mode\" is \"int4\"")
                .hasMessageContaining("[affine, mxfp4, mxfp8, nvfp4]");
    }

    @Test
    void shardedWeightsAreReadThroughTheIndex() throws IOException {
        Path model = tiny();
        Path single = model.resolve("model.safetensors");
        SafetensorsWriter first = new SafetensorsWriter();
        SafetensorsWriter second = new SafetensorsWriter();
        ObjectNode index = JSON.createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        try (SafetensorsFile source = SafetensorsFile.open(single)) {
            for (TensorInfo t : source.tensors()) {
                boolean inFirst = t.name().startsWith("embeddings");
                (inFirst ? first : second).add(t.name(), t.dtype(), t.shape(), source.bytes(t.name()));
                map.put(t.name(), inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
        }
        first.write(model.resolve("model-00001-of-00002.safetensors"));
        second.write(model.resolve("model-00002-of-00002.safetensors"));
        Files.delete(single);
        JSON.writeValue(model.resolve(ModelWeights.INDEX_FILE).toFile(), index);

        try (ModelDirectory m = ModelDirectory.open(model)) {
            assertThat(m.weights().files()).hasSize(2);
            assertThat(m.weights().names()).hasSize(5 + 2 * 16);
            assertThat(m.weights().floats("encoder.layer.1.output.dense.bias")).hasSize(64);
        }

        map.put("embeddings.LayerNorm.bias", "model-00003-of-00002.safetensors");
        JSON.writeValue(model.resolve(ModelWeights.INDEX_FILE).toFile(), index);
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .hasMessageContaining("the weight_map names 'model-00003-of-00002.safetensors', which is not a file");
    }

    @Test
    void aCorruptWeightFileFailsWithItsRule() throws IOException {
        Path model = tiny();
        Path weights = model.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> ModelDirectory.open(model))
                .isInstanceOfSatisfying(SafetensorsFormatException.class,
                        e -> assertThat(e.rule()).isEqualTo(SafetensorsFormatException.Rule.OFFSETS_OUTSIDE_DATA));
    }
}

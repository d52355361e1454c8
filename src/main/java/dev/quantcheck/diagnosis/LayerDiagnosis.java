package dev.quantcheck.diagnosis;

import dev.quantcheck.format.ModelConfig;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.inference.TokenBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Finds where a candidate encoder (a quantized conversion) starts to drift from its reference, layer by layer.
 *
 * <pre>{@code
 * DiagnosisReport report = LayerDiagnosis.run(fp32, q4, StsData.sentences(64));
 * assertThat(meanCosine).as(report.summary()).isGreaterThan(0.99);
 * }</pre>
 *
 * <p>Per batch of {@value #BATCH_SIZE} texts, tokenized once by the reference, it walks both models through the
 * embeddings and then layer by layer with {@link Encoder#runLayer} (the code {@link Encoder#forward} runs):
 * <ol>
 *   <li>the reference's own pass, whose layer-{@code l} input and output are the ground truth, while a tap hands
 *       each sub-layer's input to the candidate's same sub-layer ({@link Encoder#runSubLayer});</li>
 *   <li>the candidate's layer {@code l} on the reference's input: the error that layer introduces;</li>
 *   <li>the candidate's own pass: the error accumulated so far.</li>
 * </ol>
 * Cost: one forward pass per model, plus one candidate layer and one candidate matmul per sub-layer for each layer;
 * memory holds a few {@code [tokens, hidden]} states of one batch.
 */
public final class LayerDiagnosis {
    /** Texts per forward pass. */
    public static final int BATCH_SIZE = 32;

    private LayerDiagnosis() {
    }

    /**
     * Diagnoses {@code candidate} against {@code reference} on {@code texts}.
     *
     * @throws IllegalArgumentException when there are no texts, or the two models differ in architecture, layer
     *                                  count or sizes, or tokenize a text differently
     */
    public static DiagnosisReport run(Encoder reference, Encoder candidate, List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to diagnose on");
        }
        requireSameShape(reference, candidate);
        ModuleNames names = new ModuleNames(reference);
        int layers = reference.config().numLayers();
        int hidden = reference.config().hiddenSize();
        ErrorSums[] accumulated = new ErrorSums[layers + 1];
        ErrorSums[] introduced = new ErrorSums[layers + 1];
        List<Map<Encoder.SubLayer, ErrorSums.Frobenius>> subLayers = new ArrayList<>();
        for (int row = 0; row <= layers; row++) {
            accumulated[row] = new ErrorSums();
            introduced[row] = new ErrorSums();
            Map<Encoder.SubLayer, ErrorSums.Frobenius> sums = new EnumMap<>(Encoder.SubLayer.class);
            for (Encoder.SubLayer s : Encoder.SubLayer.values()) {
                sums.put(s, new ErrorSums.Frobenius());
            }
            subLayers.add(sums);
        }
        long tokens = 0;
        for (int start = 0; start < texts.size(); start += BATCH_SIZE) {
            List<String> chunk = texts.subList(start, Math.min(texts.size(), start + BATCH_SIZE));
            TokenBatch batch = reference.tokenize(chunk);
            requireSameTokens(batch, candidate.tokenize(chunk), start);
            tokens += batch.totalTokens();

            float[] r = reference.runEmbeddings(batch);
            float[] c = candidate.runEmbeddings(batch);
            accumulated[0].add(batch, c, r, hidden);
            introduced[0].add(batch, c, r, hidden);
            for (int l = 0; l < layers; l++) {
                int layer = l;
                Map<Encoder.SubLayer, ErrorSums.Frobenius> sums = subLayers.get(l + 1);
                float[] rOut = reference.runLayer(l, batch, r, (s, in, out) -> sums.get(s).add(
                        candidate.runSubLayer(layer, s, in, batch.totalTokens()), out));
                introduced[l + 1].add(batch, candidate.runLayer(l, batch, r, null), rOut, hidden);
                c = candidate.runLayer(l, batch, c, null);
                accumulated[l + 1].add(batch, c, rOut, hidden);
                r = rOut;
            }
        }

        List<LayerError> rows = new ArrayList<>();
        rows.add(new LayerError(names.embeddings(), 0, accumulated[0].result(), introduced[0].result(), List.of()));
        for (int l = 0; l < layers; l++) {
            List<SubLayerError> subs = new ArrayList<>();
            for (Map.Entry<Encoder.SubLayer, ErrorSums.Frobenius> e : subLayers.get(l + 1).entrySet()) {
                subs.add(new SubLayerError(names.subLayer(l, e.getKey()), l, e.getKey(), e.getValue().relativeError()));
            }
            rows.add(new LayerError(names.layer(l), l + 1, accumulated[l + 1].result(), introduced[l + 1].result(),
                    subs));
        }
        return new DiagnosisReport(reference.path().toString(), candidate.path().toString(), texts.size(), tokens,
                rows);
    }

    private static void requireSameShape(Encoder reference, Encoder candidate) {
        ModelConfig r = reference.config();
        ModelConfig c = candidate.config();
        if (r.architecture() != c.architecture() || r.numLayers() != c.numLayers() || r.hiddenSize() != c.hiddenSize()
                || r.intermediateSize() != c.intermediateSize() || r.numHeads() != c.numHeads()) {
            throw new IllegalArgumentException("the candidate " + candidate.path() + " is not the same network as the "
                    + "reference " + reference.path() + ": " + describe(c) + " vs " + describe(r));
        }
    }

    private static String describe(ModelConfig c) {
        return c.architecture().modelType() + " with " + c.numLayers() + " layers, hidden " + c.hiddenSize()
                + ", intermediate " + c.intermediateSize() + ", " + c.numHeads() + " heads";
    }

    private static void requireSameTokens(TokenBatch reference, TokenBatch candidate, int first) {
        for (int i = 0; i < reference.size(); i++) {
            if (!Arrays.equals(reference.ids(i), candidate.ids(i))
                    || !Arrays.equals(reference.typeIds(i), candidate.typeIds(i))) {
                throw new IllegalArgumentException("text " + (first + i) + " tokenizes differently in the candidate: "
                        + "the two models must share a tokenizer and a maximum length");
            }
        }
    }
}

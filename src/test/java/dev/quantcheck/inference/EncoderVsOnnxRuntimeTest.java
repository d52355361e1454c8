package dev.quantcheck.inference;

import ai.onnxruntime.OrtException;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.BuiltinTexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The fp32 encoder against ONNX Runtime running the original ONNX file, on the built-in corpus: 800 texts, short
 * and long, many scripts, in padded batches.
 */
class EncoderVsOnnxRuntimeTest {
    static Encoder encoder;
    static OnnxRuntimeReference onnx;

    @BeforeAll
    static void load() throws IOException, OrtException {
        encoder = Encoder.load(BuiltinModels.miniLm());
        onnx = new OnnxRuntimeReference();
    }

    @AfterAll
    static void close() throws Exception {
        encoder.close();
        onnx.close();
    }

    static final int BATCH = 24;

    /**
     * The whole built-in corpus (every domain, script and length, one word up to texts truncated at the model's
     * 512 positions) in batches of 24: first the corpus's own first 24 texts, which mix one word with 700 words, so
     * most rows are padding; then the rest sorted by length, so the run stays short, each batch still padded.
     */
    static List<List<String>> batches() {
        List<String> all = BuiltinTexts.all();
        List<List<String>> batches = new ArrayList<>();
        batches.add(all.subList(0, BATCH));
        List<String> rest = new ArrayList<>(all.subList(BATCH, all.size()));
        rest.sort(Comparator.comparingInt(String::length));
        for (int start = 0; start < rest.size(); start += BATCH) {
            batches.add(rest.subList(start, Math.min(rest.size(), start + BATCH)));
        }
        return batches;
    }

    @Test
    void tokenizesLikeTheModelCard() {
        assertThat(encoder.tokenize(List.of("This is a test.")).ids(0))
                .containsExactly(101, 2023, 2003, 1037, 3231, 1012, 102);
    }

    @Test
    void matchesTheKnownValuesOfThisSentence() {
        EncoderOutput out = encoder.forward(encoder.tokenize(List.of("This is a test.")), false);
        assertThat(Arrays.copyOf(out.lastHiddenState(0)[0], 5))
                .containsExactly(new float[] {0.018073f, -0.105891f, -0.000120f, 0.104582f, -0.018409f}, within(2e-6f));
        assertThat(Arrays.copyOf(encoder.embed(List.of("This is a test."))[0], 5))
                .containsExactly(new float[] {0.033591f, 0.010512f, -0.017500f, 0.029352f, -0.009420f}, within(2e-6f));
    }

    /** Both engines over every batch, once for both tests: the largest difference and the lowest cosine. */
    record Agreement(int compared, double worstDiff, String worstText, double minCosine) {
    }

    static Agreement agreement;

    static synchronized Agreement agreement() throws OrtException {
        if (agreement != null) {
            return agreement;
        }
        double worst = 0;
        String worstText = null;
        double minCosine = 1;
        int compared = 0;
        for (List<String> chunk : batches()) {
            TokenBatch batch = encoder.tokenize(chunk);
            float[][][] reference = onnx.lastHiddenState(batch);
            EncoderOutput ours = encoder.forward(batch, false);
            for (int i = 0; i < batch.size(); i++) {
                float[][] mine = ours.lastHiddenState(i);
                for (int t = 0; t < mine.length; t++) {
                    for (int j = 0; j < mine[t].length; j++) {
                        double diff = Math.abs(mine[t][j] - reference[i][t][j]);
                        if (diff > worst) {
                            worst = diff;
                            worstText = chunk.get(i);
                        }
                    }
                }
                // the sentence embedding as Encoder.embed pools it, against ONNX Runtime's states mean-pooled
                float[] embedding = Pooler.pool(encoder.pooling(), mine);
                minCosine = Math.min(minCosine, cosine(embedding, meanPool(reference[i], batch.length(i))));
                compared++;
            }
        }
        agreement = new Agreement(compared, worst, worstText, minCosine);
        return agreement;
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntimeWithin1e4OnRealTokens() throws OrtException {
        Agreement a = agreement();
        assertThat(a.compared()).isEqualTo(BuiltinTexts.all().size());
        assertThat(a.worstDiff()).as("max |difference| (worst text: %s)", a.worstText()).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void sentenceEmbeddingsHaveCosineAtLeast0_99999WithOnnxRuntimes() throws OrtException {
        assertThat(agreement().minCosine()).isGreaterThanOrEqualTo(0.99999);
    }

    static float[] meanPool(float[][] states, int length) {
        float[] out = new float[states[0].length];
        for (int t = 0; t < length; t++) {
            for (int j = 0; j < out.length; j++) {
                out[j] += states[t][j] / length;
            }
        }
        return out;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}

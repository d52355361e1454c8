package dev.quantcheck.inference;

import ai.onnxruntime.OrtException;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.StsData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The fp32 encoder against ONNX Runtime running the original ONNX file, on real text: 300+ STS sentences, short
 * and long, in padded batches.
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

    /** 320 STS sentences and 16 long texts made of consecutive sentences (100-250 tokens). */
    static List<String> corpus() {
        List<String> texts = new ArrayList<>(StsData.sentences(320));
        List<String> all = StsData.allSentences();
        for (int i = 0; i < 16; i++) {
            texts.add(String.join(" ", all.subList(400 + i * 20, 400 + i * 20 + 5 + i)));
        }
        return texts;
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

    @Test
    void lastHiddenStateMatchesOnnxRuntimeWithin1e4OnRealTokens() throws OrtException {
        List<String> texts = corpus();
        double worst = 0;
        String worstText = null;
        int compared = 0;
        for (int start = 0; start < texts.size(); start += 24) {
            List<String> chunk = texts.subList(start, Math.min(texts.size(), start + 24));
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
                compared++;
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(300);
        assertThat(worst).as("max |difference| (worst text: %s)", worstText).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void sentenceEmbeddingsHaveCosineAtLeast0_99999WithOnnxRuntimes() throws OrtException {
        List<String> texts = corpus();
        double minCosine = 1;
        for (int start = 0; start < texts.size(); start += 32) {
            List<String> chunk = texts.subList(start, Math.min(texts.size(), start + 32));
            TokenBatch batch = encoder.tokenize(chunk);
            float[][][] reference = onnx.lastHiddenState(batch);
            float[][] ours = encoder.embed(batch);
            for (int i = 0; i < batch.size(); i++) {
                float[] ref = meanPool(reference[i], batch.length(i));
                minCosine = Math.min(minCosine, cosine(ours[i], ref));
            }
        }
        assertThat(minCosine).isGreaterThanOrEqualTo(0.99999);
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

package dev.quantcheck.diagnosis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.inference.EncoderOptions;
import dev.quantcheck.inference.EncoderOutput;
import dev.quantcheck.inference.TokenBatch;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The diagnosis on a tiny 3-layer BERT whose copy has one weight damaged: it must point at that weight.
 *
 * <p>Exact zeros need the plain-Java kernels: the Vector API's {@code reduceLanes(ADD)} (LayerNorm, softmax) sums in
 * an unspecified order that changes when the JIT compiles it, so the vector kernels can give the same input
 * different last bits within one JVM.
 */
class LayerDiagnosisTest {
    static final EncoderOptions SCALAR = EncoderOptions.defaults().withThreads(2).withVector(false);
    static final List<String> TEXTS = List.of("A man strums a guitar on the porch.", "A girl brushes her long hair before school.",
            "The dog is eating.", "A woman dices an onion for the stew.", "Is this a test?", "a cat!",
            "The boy is playing soccer on the beach.", "A man is eating, a woman is playing.");

    @TempDir
    static Path dir;
    static Path tiny;
    static Encoder reference;

    @BeforeAll
    static void writeTinyBert() throws IOException {
        tiny = TinyBert.builder().layers(3).write(dir.resolve("tiny"));
        reference = Encoder.load(tiny, SCALAR);
    }

    @AfterAll
    static void close() throws IOException {
        reference.close();
    }

    static DiagnosisReport diagnoseDamaged(String tensor, String copy) throws IOException {
        Path damaged = ModelCopies.withNoise(tiny, dir.resolve(copy), tensor, 0.02);
        try (Encoder candidate = Encoder.load(damaged, SCALAR)) {
            return LayerDiagnosis.run(reference, candidate, TEXTS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense"})
    void namesTheLayerAndSubLayerWhoseWeightWasDamaged(String subLayer) throws IOException {
        // GIVEN a copy whose layer 1 has noise in one projection WHEN diagnosed
        DiagnosisReport report = diagnoseDamaged("encoder.layer.1." + subLayer + ".weight", "damaged-" + subLayer);

        // THEN layer 1 and the projection are named
        assertThat(report.worstLayer()).map(LayerError::name).hasValue("encoder.layer.1");
        assertThat(report.worstSubLayer()).map(SubLayerError::name).hasValue("encoder.layer.1." + subLayer);
        assertThat(report.summary()).startsWith("error enters mostly at layer 1 (introduced relative error ")
                .contains("100% of the total").endsWith("worst sub-layer encoder.layer.1." + subLayer
                        + " (relative error " + DiagnosisReport.number(report.worstSubLayer().get().relativeError())
                        + ")");
        // and every other layer and projection, fed the reference's input, is exact
        for (LayerError row : report.layers()) {
            for (SubLayerError s : row.subLayers()) {
                if (!s.name().equals("encoder.layer.1." + subLayer)) {
                    assertThat(s.relativeError()).as(s.name()).isZero();
                }
            }
            if (!row.name().equals("encoder.layer.1")) {
                assertThat(row.introduced()).as(row.name()).isEqualTo(StateError.NONE);
            }
        }
        assertThat(report.worstSubLayer().get().relativeError()).isBetween(0.01, 2.0);
        // upstream of the damage nothing has accumulated; from layer 1 on, everything has
        List<LayerError> rows = report.layers();
        assertThat(rows.get(0).accumulated()).isEqualTo(StateError.NONE);
        assertThat(rows.get(1).accumulated()).isEqualTo(StateError.NONE);
        // the input of layer 1 is the reference's in both runs, so introduced and accumulated agree there
        assertThat(rows.get(2).accumulated()).isEqualTo(rows.get(2).introduced());
        assertThat(rows.get(2).introduced().relativeError()).isGreaterThan(1e-4);
        assertThat(rows.get(3).accumulated().relativeError()).isGreaterThan(0);
        assertThat(rows.get(3).accumulated().meanCosine()).isLessThan(1).isGreaterThan(0.5);
    }

    @Test
    void referenceAgainstItselfHasNoErrorAnywhere() throws IOException {
        try (Encoder again = Encoder.load(tiny, SCALAR.withThreads(1))) {
            for (Encoder candidate : List.of(reference, again)) {
                DiagnosisReport report = LayerDiagnosis.run(reference, candidate, TEXTS);

                assertThat(report.layers()).hasSize(4).allSatisfy(row -> {
                    assertThat(row.accumulated()).isEqualTo(StateError.NONE);
                    assertThat(row.introduced()).isEqualTo(StateError.NONE);
                    assertThat(row.subLayers()).allSatisfy(s -> assertThat(s.relativeError()).isZero());
                });
                assertThat(report.worstLayer()).isEmpty();
                assertThat(report.worstSubLayer()).isEmpty();
                assertThat(report.summary()).isEqualTo(
                        "no error: the candidate's hidden states equal the reference's at every layer");
            }
        }
    }

    @Test
    void withTheVectorKernelsTheSameModelDiffersByRoundingNoiseAtMost() throws IOException {
        try (Encoder first = Encoder.load(tiny); Encoder second = Encoder.load(tiny)) {
            DiagnosisReport report = LayerDiagnosis.run(first, second, TEXTS);

            assertThat(report.layers()).allSatisfy(row -> {
                assertThat(row.accumulated().relativeError()).isLessThan(DiagnosisReport.ROUNDING_NOISE);
                assertThat(row.introduced().relativeError()).isLessThan(DiagnosisReport.ROUNDING_NOISE);
                assertThat(row.accumulated().worstCosine()).isGreaterThan(1 - 1e-9);
            });
            assertThat(report.summary()).startsWith("no error");
        }
    }

    @Test
    void aDamagedLayerNormBlamesTheLayerButNoProjection() throws IOException {
        DiagnosisReport report = diagnoseDamaged("encoder.layer.2.output.LayerNorm.weight", "norm");

        assertThat(report.worstLayer()).map(LayerError::name).hasValue("encoder.layer.2");
        assertThat(report.worstSubLayer()).isEmpty();
        assertThat(report.summary()).startsWith("error enters mostly at layer 2 (").doesNotContain("sub-layer");
    }

    @Test
    void damagedEmbeddingsAreNamedAsSuch() throws IOException {
        DiagnosisReport report = diagnoseDamaged("embeddings.word_embeddings.weight", "embeddings");

        LayerError embeddings = report.layers().get(0);
        assertThat(embeddings.isEmbeddings()).isTrue();
        assertThat(embeddings.introduced()).isEqualTo(embeddings.accumulated());
        assertThat(report.worstLayer()).hasValue(embeddings);
        assertThat(report.summary()).startsWith("error enters mostly at the embeddings (introduced relative error ")
                .contains("100% of the total");
    }

    @Test
    void aNanWeightRanksWorstAndIsNullInJson() throws IOException {
        String tensor = "encoder.layer.0.attention.self.value.weight";
        Path broken = ModelCopies.withChangedTensor(tiny, dir.resolve("nan"), tensor, values -> {
            float[] out = values.clone();
            out[5] = Float.NaN;
            return out;
        });
        // a NaN model is refused at load unless measured on purpose, which is what diagnosing it is
        try (Encoder candidate = Encoder.load(broken, SCALAR.withNonFiniteAllowed(true))) {
            DiagnosisReport report = LayerDiagnosis.run(reference, candidate, TEXTS);

            assertThat(report.worstLayer()).map(LayerError::name).hasValue("encoder.layer.0");
            assertThat(report.worstSubLayer()).map(SubLayerError::name)
                    .hasValue("encoder.layer.0.attention.self.value");
            assertThat(report.summary()).contains("introduced relative error NaN");
            JsonNode layer0 = report.toJson().get("layers").get(1);
            assertThat(layer0.get("introduced").get("relative_error").isNull()).isTrue();
            assertThat(layer0.get("sub_layers").get(2).get("relative_error").isNull()).isTrue();
            assertThat(layer0.get("sub_layers").get(0).get("relative_error").asDouble()).isZero();
        }
    }

    @ParameterizedTest(name = "prefix ''{0}''")
    @ValueSource(strings = {"", "distilbert."})
    void distilBertRowsAndSubLayersCarryDistilBertNames(String prefix) throws IOException {
        String p = prefix.isEmpty() ? "plain" : "prefixed";
        Path distil = ModelCopies.asDistilBert(tiny, dir.resolve("distil-" + p), prefix);
        Path damaged = ModelCopies.withNoise(distil, dir.resolve("distil-damaged-" + p),
                prefix + "transformer.layer.1.ffn.lin1.weight", 0.02);
        try (Encoder r = Encoder.load(distil, SCALAR); Encoder c = Encoder.load(damaged, SCALAR)) {
            DiagnosisReport report = LayerDiagnosis.run(r, c, TEXTS);

            assertThat(report.layers()).extracting(LayerError::name).containsExactly(prefix + "embeddings",
                    prefix + "transformer.layer.0", prefix + "transformer.layer.1", prefix + "transformer.layer.2");
            assertThat(report.layers().get(1).subLayers()).extracting(SubLayerError::name).containsExactly(
                    prefix + "transformer.layer.0.attention.q_lin", prefix + "transformer.layer.0.attention.k_lin",
                    prefix + "transformer.layer.0.attention.v_lin", prefix + "transformer.layer.0.attention.out_lin",
                    prefix + "transformer.layer.0.ffn.lin1", prefix + "transformer.layer.0.ffn.lin2");
            assertThat(report.worstLayer()).map(LayerError::name).hasValue(prefix + "transformer.layer.1");
            assertThat(report.worstSubLayer()).map(SubLayerError::name)
                    .hasValue(prefix + "transformer.layer.1.ffn.lin1");
        }
    }

    @Test
    void accumulatedErrorMatchesTheEncodersOwnForwardPassOverSeveralBatches() throws IOException {
        // GIVEN 40 texts: two batches (32 + 8), here as in the diagnosis, since the kernels' row blocking depends on
        // a token's row within its batch and other batches would differ in the last float bits
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            texts.addAll(TEXTS);
        }
        Path damaged = ModelCopies.withNoise(tiny, dir.resolve("forward"), "encoder.layer.0.output.dense.weight", 0.02);
        try (Encoder candidate = Encoder.load(damaged, SCALAR)) {
            DiagnosisReport report = LayerDiagnosis.run(reference, candidate, texts);

            List<EncoderOutput> r = new ArrayList<>();
            List<EncoderOutput> c = new ArrayList<>();
            for (List<String> chunk : List.of(texts.subList(0, 32), texts.subList(32, 40))) {
                TokenBatch batch = reference.tokenize(chunk);
                r.add(reference.forward(batch, true));
                c.add(candidate.forward(batch, true));
            }
            for (int state = 0; state <= 3; state++) {
                double meanSum = 0;
                double minSum = 0;
                double worst = 1;
                double diff = 0;
                double norm = 0;
                for (int text = 0; text < texts.size(); text++) {
                    float[][] rs = r.get(text / 32).hiddenState(state, text % 32);
                    float[][] cs = c.get(text / 32).hiddenState(state, text % 32);
                    double sum = 0;
                    double min = 1;
                    for (int t = 0; t < rs.length; t++) {
                        double cos = cosine(cs[t], rs[t]);
                        sum += cos;
                        min = Math.min(min, cos);
                        for (int j = 0; j < rs[t].length; j++) {
                            double d = (double) cs[t][j] - rs[t][j];
                            diff += d * d;
                            norm += (double) rs[t][j] * rs[t][j];
                        }
                    }
                    meanSum += sum / rs.length;
                    minSum += min;
                    worst = Math.min(worst, min);
                }
                StateError e = report.layers().get(state).accumulated();
                assertThat(e.meanCosine()).as("state %d", state).isCloseTo(meanSum / texts.size(), within(1e-12));
                assertThat(e.minCosine()).as("state %d", state).isCloseTo(minSum / texts.size(), within(1e-12));
                assertThat(e.worstCosine()).as("state %d", state).isCloseTo(worst, within(1e-12));
                assertThat(e.relativeError()).as("state %d", state).isCloseTo(Math.sqrt(diff / norm), within(1e-12));
            }
            assertThat(report.textCount()).isEqualTo(40);
            assertThat(report.tokenCount()).isEqualTo(reference.tokenize(texts).totalTokens());
            assertThat(report.worstSubLayer()).map(SubLayerError::name).hasValue("encoder.layer.0.output.dense");
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return Math.min(1, dot / Math.sqrt(aa * bb));
    }

    @Test
    void jsonAndTextRenderingCarryEveryRow() throws IOException {
        DiagnosisReport report = diagnoseDamaged("encoder.layer.1.intermediate.dense.weight", "json");

        ObjectNode json = report.toJson();
        assertThat(json.get("n_texts").asInt()).isEqualTo(TEXTS.size());
        assertThat(json.get("n_tokens").asLong()).isEqualTo(report.tokenCount());
        assertThat(json.get("summary").asText()).isEqualTo(report.summary());
        assertThat(json.get("worst_layer").asText()).isEqualTo("encoder.layer.1");
        assertThat(json.get("worst_sub_layer").asText()).isEqualTo("encoder.layer.1.intermediate.dense");
        assertThat(json.get("layers")).hasSize(4);
        JsonNode layer1 = json.get("layers").get(2);
        assertThat(layer1.get("name").asText()).isEqualTo("encoder.layer.1");
        assertThat(layer1.get("hidden_state").asInt()).isEqualTo(2);
        assertThat(layer1.get("introduced_share").asDouble()).isEqualTo(1.0);
        for (String part : List.of("accumulated", "introduced")) {
            assertThat(layer1.get(part).fieldNames()).toIterable()
                    .containsExactly("mean_cosine", "min_cosine", "worst_cosine", "relative_error");
        }
        assertThat(layer1.get("introduced").get("relative_error").asDouble())
                .isEqualTo(report.layers().get(2).introduced().relativeError());
        assertThat(layer1.get("sub_layers")).hasSize(6);
        assertThat(layer1.get("sub_layers").get(4).get("name").asText())
                .isEqualTo("encoder.layer.1.intermediate.dense");
        assertThat(layer1.get("sub_layers").get(4).get("sub_layer").asText()).isEqualTo("INTERMEDIATE");
        assertThat(json.get("layers").get(0).get("sub_layers")).isEmpty();

        String text = report.toString();
        assertThat(text.lines()).hasSize(3 + 4 + 1);
        assertThat(text).contains("embeddings", "encoder.layer.2", "intermediate.dense (")
                .endsWith(report.summary());
    }

    @Test
    void refusesModelsOfDifferentShapeAndEmptyTexts() throws IOException {
        Path twoLayers = TinyBert.builder().layers(2).write(dir.resolve("two"));
        try (Encoder other = Encoder.load(twoLayers)) {
            assertThatThrownBy(() -> LayerDiagnosis.run(reference, other, TEXTS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bert with 2 layers").hasMessageContaining("bert with 3 layers");
        }
        assertThatThrownBy(() -> LayerDiagnosis.run(reference, reference, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no texts");
    }

    @Test
    void refusesACandidateThatTokenizesDifferently() throws IOException {
        try (Encoder shorter = Encoder.load(tiny, SCALAR.withMaxLength(4))) {
            assertThatThrownBy(() -> LayerDiagnosis.run(reference, shorter, TEXTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text 0 tokenizes differently");
        }
    }

    @Test
    void numbersAreShortInMessages() {
        assertThat(DiagnosisReport.number(0.0410)).isEqualTo("0.041");
        assertThat(DiagnosisReport.number(0.052345)).isEqualTo("0.0523");
        assertThat(DiagnosisReport.number(1.0)).isEqualTo("1");
        assertThat(DiagnosisReport.number(3.2e-7)).isEqualTo("3.20e-07");
        assertThat(DiagnosisReport.number(0)).isEqualTo("0");
        assertThat(DiagnosisReport.number(Double.NaN)).isEqualTo("NaN");
    }
}

package dev.quantcheck.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The graph analysis on the real MiniLM and on copies of it broken in one place each. */
class BertGraphTest {
    private static final String QUERY_0 = "/encoder/layer.0/attention/self/query/MatMul";

    @Test
    void theRealGraphNamesAll36LinearWeightsTheSameWayTwice() throws OnnxFormatException {
        BertGraph bert = BertGraph.analyse(RealMiniLm.model());
        assertThat(bert.weights()).hasSize(101);
        assertThat(bert.weights().stream().filter(BertGraph.Weight::transpose)).hasSize(36)
                .allSatisfy(w -> assertThat(w.source().name()).startsWith("onnx::MatMul_"));
        assertThat(bert.weights()).filteredOn(w -> w.name().equals("encoder.layer.3.intermediate.dense.weight"))
                .singleElement().satisfies(w -> {
                    assertThat(w.source().dims()).containsExactly(384, 1536);
                    assertThat(w.shape()).containsExactly(1536, 384);
                });
        assertThat(bert.skipped()).containsExactly("embeddings.position_ids");
        assertThat(bert.prefix()).isEmpty();
    }

    @Test
    void aGraphWithoutWordEmbeddingsIsNotBert() {
        OnnxModel model = RealMiniLm.withInitializers(
                t -> t.name().equals("embeddings.word_embeddings.weight") ? null : t);
        assertThatThrownBy(() -> BertGraph.analyse(model))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith("all-minilm-l6-v2.onnx: not a BERT graph: no initializer is named"
                        + " 'embeddings.word_embeddings.weight'")
                .hasMessageContaining("export the model with those names");
    }

    @Test
    void aMatMulWithNeitherBiasNorScopeNameCannotBeNamed() {
        // GIVEN query 0's MatMul renamed anonymously and its Add fed a computed value instead of the bias
        OnnxModel model = RealMiniLm.withNodes(n -> {
            if (n.name().equals(QUERY_0)) {
                return RealMiniLm.renamed(n, "MatMul_17");
            }
            if (n.name().equals("/encoder/layer.0/attention/self/query/Add")) {
                return RealMiniLm.withInputs(n, List.of("/embeddings/LayerNorm/Add_1_output_0", n.input(1)));
            }
            return n;
        });
        assertThatThrownBy(() -> BertGraph.analyse(model))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("all-minilm-l6-v2.onnx: cannot name the weight of MatMul 'MatMul_17'"
                        + " (weight initializer 'onnx::MatMul_787')")
                .hasMessageContaining("without fusing");
    }

    @Test
    void theBiasAndTheNodeNameMustAgree() {
        OnnxModel model = RealMiniLm.withNodes(n -> n.name().equals(QUERY_0)
                ? RealMiniLm.renamed(n, "/encoder/layer.0/attention/self/key/MatMul") : n);
        assertThatThrownBy(() -> BertGraph.analyse(model))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("conflicting names: the bias added after it gives"
                        + " encoder.layer.0.attention.self.query.weight, the node name gives"
                        + " encoder.layer.0.attention.self.key.weight");
    }

    @Test
    void theBiasAloneNamesAMatMulWhoseNodeIsAnonymous() throws OnnxFormatException {
        OnnxModel model = RealMiniLm.withNodes(n -> n.opType().equals("MatMul") ? RealMiniLm.renamed(n, "") : n);
        assertThat(BertGraph.analyse(model).weights()).hasSize(101);
    }

    @Test
    void anUnexpectedShapeIsNamed() {
        OnnxModel model = RealMiniLm.withInitializers(t -> t.name().equals("encoder.layer.2.output.LayerNorm.bias")
                ? new OnnxTensor(t.name(), OnnxTensor.FLOAT, new long[] {383}, ByteBuffer.allocate(383 * 4)) : t);
        assertThatThrownBy(() -> BertGraph.analyse(model))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("unexpected shape: 'encoder.layer.2.output.LayerNorm.bias'")
                .hasMessageContaining("is [383] but a BertModel with hidden size 384 and intermediate size 1536 needs [384]");
    }

    @Test
    void aMissingTensorIsNamed() {
        OnnxModel model = RealMiniLm.withInitializers(
                t -> t.name().equals("encoder.layer.4.attention.output.LayerNorm.weight") ? null : t);
        assertThatThrownBy(() -> BertGraph.analyse(model))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("'encoder.layer.4.attention.output.LayerNorm.weight' is missing");
    }

    @Test
    void aQuantizedWeightIsRefusedWithTheFix() {
        OnnxModel model = RealMiniLm.withInitializers(t -> t.name().equals("onnx::MatMul_787")
                ? new OnnxTensor(t.name(), OnnxTensor.INT8, t.dims(), ByteBuffer.allocate(384 * 384)) : t);
        assertThatThrownBy(() -> BertGraph.analyse(model))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("'encoder.layer.0.attention.self.query.weight' (initializer 'onnx::MatMul_787')"
                        + " is INT8")
                .hasMessageContaining("import the full-precision ONNX file");
    }

    @Test
    void aPrefixedExportGivesTheSameBertNames() throws OnnxFormatException {
        // GIVEN every parameter and scope renamed as a wrapped model (BertForX.bert) exports them
        List<OnnxTensor> inits = new ArrayList<>();
        for (OnnxTensor t : RealMiniLm.model().graph().initializers()) {
            String name = t.name().startsWith("onnx::") ? t.name() : "bert." + t.name();
            inits.add(new OnnxTensor(name, t.dataType(), t.dims(), t.data()));
        }
        List<OnnxNode> nodes = new ArrayList<>();
        for (OnnxNode n : RealMiniLm.model().graph().nodes()) {
            List<String> inputs = n.inputs().stream()
                    .map(i -> i.startsWith("embeddings.") || i.startsWith("encoder.") ? "bert." + i : i).toList();
            String name = n.name().startsWith("/e") ? "/bert" + n.name() : n.name();
            nodes.add(new OnnxNode(name, n.opType(), n.domain(), inputs, n.outputs(), n.attributes()));
        }
        // WHEN
        BertGraph bert = BertGraph.analyse(RealMiniLm.with(nodes, inits));
        // THEN
        assertThat(bert.prefix()).isEqualTo("bert.");
        assertThat(bert.weights()).extracting(BertGraph.Weight::name)
                .containsExactlyElementsOf(BertGraph.analyse(RealMiniLm.model()).weights().stream()
                        .map(BertGraph.Weight::name).toList());
    }

    @Test
    void theHeadCountFromTheReshapesIsCrossCheckedAgainstTheScoreScale() {
        // GIVEN every reshape to [.., 12, 32] changed to [.., 6, 64]; the 1/sqrt(32) scale left alone
        OnnxModel model = RealMiniLm.withNodes(n -> {
            if (!n.opType().equals("Constant")) {
                return n;
            }
            OnnxTensor t = n.attributes().get(0).t();
            if (t == null || t.dataType() != OnnxTensor.INT64 || t.rank() != 1 || t.numel() != 1) {
                return n;
            }
            long v = t.longs()[0];
            long changed = v == 12 ? 6 : v == 32 ? 64 : v;
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, changed);
            OnnxAttribute value = new OnnxAttribute("value", OnnxAttribute.TENSOR, 0, 0, new byte[0],
                    new OnnxTensor(t.name(), OnnxTensor.INT64, t.dims(), b), new float[0], new long[0]);
            return new OnnxNode(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), List.of(value));
        });
        assertThatThrownBy(() -> BertGraph.analyse(model))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("the attention reshapes give 6 heads but the score scale 1/sqrt(32) gives 12");
    }

    @Test
    void theActivationIsReadFromTheFeedForwardBlock() {
        OnnxModel tanh = RealMiniLm.withNodes(n -> n.opType().equals("Erf")
                ? new OnnxNode(n.name(), "Tanh", "", n.inputs(), n.outputs(), List.of()) : n);
        OnnxModel unknown = RealMiniLm.withNodes(n -> n.opType().equals("Erf")
                ? new OnnxNode(n.name(), "Softsign", "", n.inputs(), n.outputs(), List.of()) : n);
        try {
            assertThat(BertGraph.analyse(tanh).config().hiddenAct()).isEqualTo("gelu_new");
        } catch (OnnxFormatException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> BertGraph.analyse(unknown))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("cannot recognise the feed-forward activation")
                .hasMessageContaining("Softsign");
    }

    @ParameterizedTest
    @CsvSource({"1,1", "1,5", "5,1", "3,7", "13,4", "25,6"})
    void transposeMatchesTheNaiveIndexing(int rows, int cols) {
        ByteBuffer in = ByteBuffer.allocate(4 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            in.putFloat(4 * i, i + 0.5f);
        }
        ByteBuffer out = BertGraph.transposeF32(in, rows, cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                assertThat(out.getFloat(4 * (c * rows + r))).isEqualTo(in.getFloat(4 * (r * cols + c)));
            }
        }
    }
}

package dev.quantcheck.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class OnnxModelReaderTest {
    @TempDir
    Path dir;

    private static ProtoBytes tensor(String name, int dataType, long... dims) {
        return new ProtoBytes().packedVarints(1, dims).varint(2, dataType).string(8, name);
    }

    private static byte[] le(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** A small model using every field the reader knows, plus unknown ones it must skip. */
    static byte[] handBuiltModel() {
        ProtoBytes node = new ProtoBytes().string(1, "x").string(1, "w").string(2, "y")
                .string(3, "/dense/MatMul").string(4, "MatMul")
                .message(5, new ProtoBytes().string(1, "axes").packedVarints(8, -1, 2).varint(20, OnnxAttribute.INTS))
                .message(5, new ProtoBytes().string(1, "alpha").float32(2, 0.5f).varint(20, OnnxAttribute.FLOAT))
                .message(5, new ProtoBytes().string(1, "to").varint(3, 1).varint(20, OnnxAttribute.INT))
                .message(5, new ProtoBytes().string(1, "mode").string(4, "constant").varint(20, OnnxAttribute.STRING))
                .message(5, new ProtoBytes().string(1, "value")
                        .message(5, tensor("", OnnxTensor.FLOAT).bytes(9, le(1e-12f)))
                        .varint(20, OnnxAttribute.TENSOR))
                .string(6, "a doc string to skip");
        ProtoBytes graph = new ProtoBytes()
                .message(1, node)
                .string(2, "hand")
                .message(5, tensor("w", OnnxTensor.FLOAT, 2, 3).bytes(9, le(1, 2, 3, 4, 5, 6)))
                .message(5, tensor("packed", OnnxTensor.FLOAT, 2).packedFloats(4, 1.5f, -2f))
                .message(5, tensor("unpacked", OnnxTensor.FLOAT, 2).float32(4, 3f).float32(4, 4f))
                .message(5, tensor("ids", OnnxTensor.INT64, 2).packedVarints(7, -1, 7))
                .message(5, tensor("half", OnnxTensor.FLOAT16, 1).packedVarints(5, 0x3C00))
                .message(5, new ProtoBytes().varint(1, 2).varint(1, 1).varint(2, OnnxTensor.INT64).string(8, "dims")
                        .packedVarints(7, 5, 6))
                .message(11, new ProtoBytes().string(1, "x").message(2, new ProtoBytes().varint(1, 1)))
                .message(12, new ProtoBytes().string(1, "y"))
                .varint(99, 12345);
        return new ProtoBytes().varint(1, 8).string(2, "hand").string(3, "1.0")
                .message(8, new ProtoBytes().string(1, "").varint(2, 17))
                .message(8, new ProtoBytes().string(1, "com.microsoft").varint(2, 1))
                .message(7, graph)
                .message(14, new ProtoBytes().string(1, "key").string(2, "value"))
                .toByteArray();
    }

    @Test
    void readsTheFieldsOfAHandBuiltModel() throws IOException {
        // GIVEN
        Path file = Files.write(dir.resolve("hand.onnx"), handBuiltModel());

        // WHEN
        OnnxModel model = OnnxModelReader.read(file);

        // THEN
        assertThat(model.irVersion()).isEqualTo(8);
        assertThat(model.producerName()).isEqualTo("hand");
        assertThat(model.opset()).isEqualTo(17);
        assertThat(model.opsetImports()).hasSize(2);
        OnnxGraph g = model.graph();
        assertThat(g.name()).isEqualTo("hand");
        assertThat(g.inputs()).containsExactly("x");
        assertThat(g.outputs()).containsExactly("y");

        OnnxNode node = g.nodes().get(0);
        assertThat(node.opType()).isEqualTo("MatMul");
        assertThat(node.name()).isEqualTo("/dense/MatMul");
        assertThat(node.inputs()).containsExactly("x", "w");
        assertThat(node.outputs()).containsExactly("y");
        assertThat(node.attribute("axes").orElseThrow().ints()).containsExactly(-1, 2);
        assertThat(node.attribute("alpha").orElseThrow().f()).isEqualTo(0.5f);
        assertThat(node.attribute("to").orElseThrow().i()).isEqualTo(1);
        assertThat(node.attribute("mode").orElseThrow().string()).isEqualTo("constant");
        assertThat(node.attribute("value").orElseThrow().t().scalar()).isEqualTo((double) 1e-12f);

        assertThat(g.initializers()).extracting(OnnxTensor::name)
                .containsExactly("w", "packed", "unpacked", "ids", "half", "dims");
        OnnxTensor w = g.initializers().get(0);
        assertThat(w.dims()).containsExactly(2, 3);
        assertThat(w.floats()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(g.initializers().get(1).floats()).containsExactly(1.5f, -2f);
        assertThat(g.initializers().get(2).floats()).containsExactly(3f, 4f);
        assertThat(g.initializers().get(3).longs()).containsExactly(-1, 7);
        assertThat(g.initializers().get(4).data().getShort(0)).isEqualTo((short) 0x3C00);
        assertThat(g.initializers().get(5).dims()).as("unpacked dims").containsExactly(2, 1);
    }

    @Test
    void externalDataIsRejectedWithTheFix() {
        byte[] model = new ProtoBytes().message(7, new ProtoBytes()
                .message(5, tensor("encoder.big.weight", OnnxTensor.FLOAT, 1000, 1000)
                        .message(13, new ProtoBytes().string(1, "location").string(2, "model.onnx.data"))
                        .varint(14, 1))).toByteArray();
        assertThatThrownBy(() -> OnnxModelReader.read(model, "big.onnx"))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith("big.onnx: tensor 'encoder.big.weight' keeps its data in an external file")
                .hasMessageContaining("save_as_external_data=False");
    }

    @Test
    void aTensorWhoseDataDoesNotFillItsShapeIsRejected() {
        byte[] model = new ProtoBytes().message(7, new ProtoBytes()
                .message(5, tensor("w", OnnxTensor.FLOAT, 2, 3).bytes(9, le(1, 2, 3)))).toByteArray();
        assertThatThrownBy(() -> OnnxModelReader.read(model, "short.onnx"))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("short.onnx: tensor 'w' is FLOAT [2, 3] (24 bytes) but holds 12 bytes");
    }

    @Test
    void anEmptyFileAndAJsonFileAreNotModels() throws IOException {
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertThatThrownBy(() -> OnnxModelReader.read(empty))
                .isInstanceOf(OnnxFormatException.class).hasMessageContaining("empty.onnx: the file is empty");
        Path json = Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\"}");
        assertThatThrownBy(() -> OnnxModelReader.read(json))
                .isInstanceOf(OnnxFormatException.class).hasMessageStartingWith(json.toString() + ": ");
    }

    @Test
    void everyTruncationOfAModelFailsCleanlyOrParses() {
        byte[] model = handBuiltModel();
        for (int length = 0; length < model.length; length++) {
            parsesOrFailsCleanly(Arrays.copyOf(model, length), "truncated to " + length);
        }
    }

    @Test
    void randomlyCorruptedModelsFailCleanlyOrParse() {
        byte[] model = handBuiltModel();
        Random random = new Random(20240611);
        for (int round = 0; round < 5000; round++) {
            byte[] corrupt = model.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
            }
            parsesOrFailsCleanly(corrupt, "round " + round);
        }
    }

    private static void parsesOrFailsCleanly(byte[] bytes, String what) {
        try {
            OnnxModelReader.read(bytes, "fuzz.onnx");
        } catch (OnnxFormatException e) {
            assertThat(e.getMessage()).as(what).startsWith("fuzz.onnx: ");
        } catch (RuntimeException e) {
            fail(what + ": " + e, e);
        }
    }

    @Test
    void readsTheRealMiniLmGraph() {
        OnnxModel model = RealMiniLm.model();
        assertThat(model.irVersion()).isEqualTo(6);
        assertThat(model.opset()).isEqualTo(11);
        assertThat(model.producerName() + " " + model.producerVersion()).isEqualTo("pytorch 2.0.1");
        assertThat(model.graph().inputs()).containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(model.graph().outputs()).containsExactly("last_hidden_state");
        assertThat(model.graph().nodes()).hasSize(637);
        assertThat(model.graph().initializers()).hasSize(102);
        OnnxTensor positionIds = model.graph().initializers().get(0);
        assertThat(positionIds.name()).isEqualTo("embeddings.position_ids");
        assertThat(positionIds.longs()).startsWith(0, 1, 2).endsWith(511);
        // ReduceMean's axes = [-1] is a ten-byte varint
        OnnxNode reduceMean = model.graph().nodes().stream().filter(n -> n.opType().equals("ReduceMean"))
                .findFirst().orElseThrow();
        assertThat(reduceMean.attribute("axes").orElseThrow().ints()).containsExactly(-1);
        assertThat(new String(RealMiniLm.files().tokenizerJson(), 0, 20, StandardCharsets.UTF_8)).startsWith("{");
    }
}

package dev.quantcheck.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantcheck.fuzz.FreshFiles;
import dev.quantcheck.fuzz.ParserContract;
import dev.quantcheck.fuzz.ParserContract.AllocationBound;
import dev.quantcheck.fuzz.ValidSeeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ONNX protobuf reader on any bytes: an {@link OnnxFormatException} naming the file, or a model whose every
 * tensor (initializers and tensor attributes) holds exactly the bytes its type and dims call for, as
 * {@link OnnxTensor#data()} promises. Here, beside {@link ProtoReader}, for the hand-built model of
 * {@link OnnxModelReaderTest} as a seed.
 */
@Timeout(10)
class OnnxModelReaderFuzzTest {
    /**
     * Every field becomes an object: a two-byte empty attribute or tensor costs a reader, two growable lists and
     * the record, a few hundred bytes; repeated varints are kept as longs, eight bytes for each input byte.
     */
    private static final AllocationBound BOUND = new AllocationBound(256 * 1024, 512);

    @TempDir
    static Path dir;

    /** The reader maps the file: a new file for each input (see FreshFiles). */
    private static FreshFiles inputs;

    @BeforeAll
    static void createInputs() throws IOException {
        inputs = new FreshFiles(Files.createDirectories(dir.resolve("inputs")), "model.onnx");
    }

    @FuzzTest
    void onnxModel(byte[] input) throws Exception {
        Path file = inputs.write(input);
        ParserContract.failsOnlyWith(OnnxFormatException.class, BOUND)
                .check(file.getFileName().toString(), input.length, () -> readAndCheckTensors(file));
    }

    private static void readAndCheckTensors(Path file) throws IOException {
        OnnxGraph graph = OnnxModelReader.read(file).graph();
        List<OnnxTensor> tensors = new ArrayList<>(graph.initializers());
        graph.nodes().forEach(node -> node.attributes().stream()
                .filter(a -> a.t() != null).forEach(a -> tensors.add(a.t())));
        for (OnnxTensor tensor : tensors) {
            int itemSize = OnnxTensor.itemSize(tensor.dataType());
            if (itemSize > 0) {
                assertThat((long) tensor.data().remaining()).as(tensor.toString())
                        .isEqualTo(tensor.numel() * itemSize);
            }
        }
    }

    @Test
    void validSeedsLoad() throws IOException {
        Map<String, byte[]> seeds = ValidSeeds.of(getClass(), "onnxModel", () -> Map.of(
                "hand-built.onnx", OnnxModelReaderTest.handBuiltModel(),
                "empty-graph.onnx", new ProtoBytes().varint(1, 8).message(7, new ProtoBytes()).toByteArray()));
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            readAndCheckTensors(Files.write(dir.resolve(seed.getKey()), seed.getValue()));
        }
    }
}

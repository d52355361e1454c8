package dev.quantcheck.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses an ONNX {@code ModelProto} from the protobuf wire format, reading only the fields this project needs:
 * ir_version, producer, opset_import and the graph's nodes, initializers, inputs and outputs. Unknown fields are
 * skipped, as protobuf requires.
 *
 * <p>Tensor bytes are not copied: a model read from a file keeps views of the memory-mapped file, one read from
 * a byte array keeps views of that array.
 *
 * <pre>{@code
 * OnnxModel model = OnnxModelReader.read(Path.of("model.onnx"));
 * model.graph().initializers().forEach(System.out::println);
 * }</pre>
 */
public final class OnnxModelReader {
    private OnnxModelReader() {
    }

    /**
     * Reads {@code file}, memory-mapped.
     *
     * @throws OnnxFormatException naming the file and the offset when it is not a readable ONNX model
     */
    public static OnnxModel read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new OnnxFormatException(file.toString(), "the file has " + size + " bytes; ONNX files over"
                        + " 2 GiB keep their weights as external data, which this reader does not support");
            }
            return read(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), file.toString());
        }
    }

    /** Reads a model held in memory; {@code source} names it in messages. */
    public static OnnxModel read(byte[] bytes, String source) throws OnnxFormatException {
        return read(ByteBuffer.wrap(bytes), source);
    }

    /** Reads the remaining bytes of {@code bytes}; {@code source} names it in messages. */
    public static OnnxModel read(ByteBuffer bytes, String source) throws OnnxFormatException {
        ProtoReader in = new ProtoReader(bytes, source);
        if (!in.hasMore()) {
            throw new OnnxFormatException(source, 0, "the file is empty; expected an ONNX model");
        }
        return readModel(in);
    }

    // ---------------------------------------------------------------- ModelProto

    private static OnnxModel readModel(ProtoReader in) throws OnnxFormatException {
        long irVersion = 0;
        String producerName = "";
        String producerVersion = "";
        List<OnnxModel.OpsetImport> opsets = new ArrayList<>();
        OnnxGraph graph = null;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> irVersion = varint(in, tag);
                case 2 -> producerName = string(in, tag);
                case 3 -> producerVersion = string(in, tag);
                case 7 -> graph = readGraph(message(in, tag));
                case 8 -> opsets.add(readOpset(message(in, tag)));
                default -> in.skip(tag);
            }
        }
        if (graph == null) {
            throw new OnnxFormatException(in.source(), "no graph (ModelProto field 7); this is not an ONNX model");
        }
        return new OnnxModel(in.source(), irVersion, producerName, producerVersion, opsets, graph);
    }

    private static OnnxModel.OpsetImport readOpset(ProtoReader in) throws OnnxFormatException {
        String domain = "";
        long version = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> domain = string(in, tag);
                case 2 -> version = varint(in, tag);
                default -> in.skip(tag);
            }
        }
        return new OnnxModel.OpsetImport(domain, version);
    }

    // ---------------------------------------------------------------- GraphProto

    private static OnnxGraph readGraph(ProtoReader in) throws OnnxFormatException {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        List<OnnxTensor> initializers = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> nodes.add(readNode(message(in, tag)));
                case 2 -> name = string(in, tag);
                case 5 -> initializers.add(readTensor(message(in, tag)));
                case 11 -> inputs.add(readValueInfoName(message(in, tag)));
                case 12 -> outputs.add(readValueInfoName(message(in, tag)));
                case 15 -> throw in.error(in.lastTagAt(), "the graph has sparse initializers, which this reader"
                        + " does not support; export the model with dense weights");
                default -> in.skip(tag);
            }
        }
        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }

    private static String readValueInfoName(ProtoReader in) throws OnnxFormatException {
        String name = "";
        while (in.hasMore()) {
            int tag = in.readTag();
            if (ProtoReader.fieldNumber(tag) == 1) {
                name = string(in, tag);
            } else {
                in.skip(tag);
            }
        }
        return name;
    }

    // ---------------------------------------------------------------- NodeProto, AttributeProto

    private static OnnxNode readNode(ProtoReader in) throws OnnxFormatException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        List<OnnxAttribute> attributes = new ArrayList<>();
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> inputs.add(string(in, tag));
                case 2 -> outputs.add(string(in, tag));
                case 3 -> name = string(in, tag);
                case 4 -> opType = string(in, tag);
                case 5 -> attributes.add(readAttribute(message(in, tag)));
                case 7 -> domain = string(in, tag);
                default -> in.skip(tag);
            }
        }
        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }

    private static OnnxAttribute readAttribute(ProtoReader in) throws OnnxFormatException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = new byte[0];
        OnnxTensor t = null;
        LongList floats = new LongList();
        LongList ints = new LongList();
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> name = string(in, tag);
                case 2 -> {
                    in.expect(tag, ProtoReader.FIXED32);
                    f = in.readFloat();
                }
                case 3 -> i = varint(in, tag);
                case 4 -> {
                    in.expect(tag, ProtoReader.LENGTH_DELIMITED);
                    ByteBuffer bytes = in.readBytes();
                    s = new byte[bytes.remaining()];
                    bytes.get(s);
                }
                case 5 -> t = readTensor(message(in, tag));
                case 7 -> in.readRepeatedFixed32(tag, floats::add);
                case 8 -> in.readRepeatedVarint(tag, ints::add);
                case 20 -> type = (int) varint(in, tag);
                default -> in.skip(tag);
            }
        }
        float[] floatValues = new float[floats.size()];
        for (int k = 0; k < floatValues.length; k++) {
            floatValues[k] = Float.intBitsToFloat((int) floats.get(k));
        }
        return new OnnxAttribute(name, type, f, i, s, t, floatValues, ints.toArray());
    }

    // ---------------------------------------------------------------- TensorProto

    private static final int DATA_LOCATION_EXTERNAL = 1;

    private static OnnxTensor readTensor(ProtoReader in) throws OnnxFormatException {
        int start = in.position();
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        // the typed repeated fields, each value as the low bits of a long
        LongList values = new LongList();
        int valuesWidth = 0;
        boolean external = false;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (ProtoReader.fieldNumber(tag)) {
                case 1 -> in.readRepeatedVarint(tag, dims::add);
                case 2 -> dataType = (int) varint(in, tag);
                case 4 -> {
                    in.readRepeatedFixed32(tag, values::add);
                    valuesWidth = 4;
                }
                case 5, 7, 11 -> in.readRepeatedVarint(tag, values::add);
                case 8 -> name = string(in, tag);
                case 9 -> {
                    in.expect(tag, ProtoReader.LENGTH_DELIMITED);
                    raw = in.readBytes();
                }
                case 10 -> {
                    in.readRepeatedFixed64(tag, values::add);
                    valuesWidth = 8;
                }
                case 13 -> {
                    external = true;
                    in.skip(tag);
                }
                case 14 -> external |= varint(in, tag) == DATA_LOCATION_EXTERNAL;
                default -> in.skip(tag);
            }
        }
        String label = name.isEmpty() ? "a tensor" : "tensor '" + name + "'";
        if (external) {
            throw in.error(start, label + " keeps its data in an external file, which this reader does not"
                    + " support; re-save the model with its weights inside the .onnx file"
                    + " (onnx.save_model(model, path, save_as_external_data=False))");
        }
        long[] shape = dims.toArray();
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw in.error(start, label + " has negative dimension in " + Arrays.toString(shape));
            }
            numel = multiply(in, start, label, numel, d);
        }
        int itemSize = OnnxTensor.itemSize(dataType);
        ByteBuffer data = raw != null ? raw : encode(values, itemSize < 0 ? valuesWidth : itemSize);
        // a tensor with no data field at all holds nothing either: only an empty tensor may leave them out
        if (itemSize > 0) {
            long expected = multiply(in, start, label, numel, itemSize);
            if (data.remaining() != expected) {
                throw in.error(start, label + " is " + OnnxTensor.typeName(dataType) + " " + Arrays.toString(shape)
                        + " (" + expected + " bytes) but holds " + data.remaining() + " bytes of data");
            }
        }
        return new OnnxTensor(name, dataType, shape, data);
    }

    private static long multiply(ProtoReader in, int at, String label, long a, long b) throws OnnxFormatException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw in.error(at, label + " has a shape whose size overflows 64 bits");
        }
    }

    /** Typed-field values as little-endian bytes, {@code width} bytes each (the low bytes of each value). */
    private static ByteBuffer encode(LongList values, int width) {
        if (values.size() == 0 || width <= 0) {
            return ByteBuffer.allocate(0);
        }
        ByteBuffer out = ByteBuffer.allocate(values.size() * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < values.size(); k++) {
            long v = values.get(k);
            for (int b = 0; b < width; b++) {
                out.put((byte) (v >>> (8 * b)));
            }
        }
        return out.flip();
    }

    // ---------------------------------------------------------------- field helpers

    private static long varint(ProtoReader in, int tag) throws OnnxFormatException {
        in.expect(tag, ProtoReader.VARINT);
        return in.readVarint();
    }

    private static String string(ProtoReader in, int tag) throws OnnxFormatException {
        in.expect(tag, ProtoReader.LENGTH_DELIMITED);
        return in.readString();
    }

    private static ProtoReader message(ProtoReader in, int tag) throws OnnxFormatException {
        in.expect(tag, ProtoReader.LENGTH_DELIMITED);
        return in.readMessage();
    }

    /** A growable list of longs, to collect repeated fields without boxing. */
    private static final class LongList {
        private long[] items = new long[8];
        private int size;

        void add(long v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        long get(int index) {
            return items[index];
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(items, size);
        }
    }
}

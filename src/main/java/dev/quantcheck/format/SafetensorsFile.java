package dev.quantcheck.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.quantcheck.format.SafetensorsFormatException.Rule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A safetensors file opened for reading: the header is parsed and validated up front, tensor bytes are
 * memory-mapped on first access and never copied.
 *
 * <p>Every rule of {@link Rule} is checked in {@link #open(Path)} before any tensor data is touched, so a bad
 * file fails with a {@link SafetensorsFormatException} naming the file, the tensor and the rule, never with an
 * {@code IndexOutOfBoundsException} or an {@code OutOfMemoryError}. Files over 2 GiB work because each tensor
 * is mapped on its own.
 *
 * <p>Thread-safe. Closing releases the file handle; buffers already handed out stay valid until they are
 * garbage-collected, as with any {@code MappedByteBuffer}.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The reference implementation's cap on the header size. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, ByteBuffer> mapped = new ConcurrentHashMap<>();

    private SafetensorsFile(Path path, FileChannel channel, long dataStart,
                            Map<String, String> metadata, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /**
     * Opens and validates {@code path}.
     *
     * @throws SafetensorsFormatException when the file breaks a rule of the format
     * @throws IOException                when it cannot be read
     */
    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new SafetensorsFormatException(path, null, Rule.FILE_TOO_SHORT,
                        "the file has " + fileSize + " bytes");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new SafetensorsFormatException(path, null, Rule.HEADER_TOO_LARGE,
                        "the header length field says " + Long.toUnsignedString(headerLength) + " bytes");
            }
            if (8 + headerLength > fileSize) {
                throw new SafetensorsFormatException(path, null, Rule.HEADER_OUTSIDE_FILE,
                        "the header length field says " + headerLength + " bytes but only "
                                + (fileSize - 8) + " follow it");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            long dataStart = 8 + headerLength;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, header.flip(), fileSize - dataStart, metadata);
            return new SafetensorsFile(path, channel, dataStart, Collections.unmodifiableMap(metadata),
                    Collections.unmodifiableMap(tensors));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            position += n;
        }
    }

    // ---------------------------------------------------------------- header validation

    private static Map<String, TensorInfo> parseHeader(Path path, ByteBuffer header, long dataSize,
                                                       Map<String, String> metadataOut) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(header).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(path, null, Rule.HEADER_NOT_UTF8,
                    "the header contains bytes that are not UTF-8");
        }
        JsonNode root;
        try {
            // safetensors pads the header with trailing spaces; Jackson ignores them
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            boolean duplicate = String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field");
            throw new SafetensorsFormatException(path, null,
                    duplicate ? Rule.DUPLICATE_KEY : Rule.HEADER_NOT_JSON_OBJECT,
                    (duplicate ? "" : "the header is not valid JSON: ") + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException(path, null, Rule.HEADER_NOT_JSON_OBJECT,
                    "the header is " + (root == null ? "empty" : "a JSON " + root.getNodeType()));
        }
        Map<String, TensorInfo> tensors = new TreeMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals("__metadata__")) {
                readMetadata(path, field.getValue(), metadataOut);
            } else {
                tensors.put(field.getKey(), parseEntry(path, field.getKey(), field.getValue(), dataSize));
            }
        }
        checkNoOverlap(path, tensors.values());
        return tensors;
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> out) throws IOException {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(path, null, Rule.BAD_METADATA,
                    "__metadata__ is a JSON " + node.getNodeType());
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsFormatException(path, null, Rule.BAD_METADATA,
                        "__metadata__ key '" + e.getKey() + "' holds a JSON " + e.getValue().getNodeType());
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo parseEntry(Path path, String name, JsonNode entry, long dataSize) throws IOException {
        if (!entry.isObject()) {
            throw new SafetensorsFormatException(path, name, Rule.BAD_ENTRY, "the entry is a JSON " + entry.getNodeType());
        }
        JsonNode dtypeNode = entry.get("dtype");
        JsonNode shapeNode = entry.get("shape");
        JsonNode offsetsNode = entry.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual() || shapeNode == null || !shapeNode.isArray()
                || offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2
                || !allIntegral(shapeNode) || !allIntegral(offsetsNode)) {
            throw new SafetensorsFormatException(path, name, Rule.BAD_ENTRY, "the entry is " + entry);
        }
        DType dtype = DType.fromFileName(dtypeNode.textValue()).orElseThrow(() ->
                new SafetensorsFormatException(path, name, Rule.UNKNOWN_DTYPE,
                        "dtype '" + dtypeNode.textValue() + "' is unknown"));
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = longValue(path, name, shapeNode.get(i), Rule.NEGATIVE_SHAPE);
            if (shape[i] < 0) {
                throw new SafetensorsFormatException(path, name, Rule.NEGATIVE_SHAPE,
                        "shape " + shapeNode + " has a negative dimension");
            }
        }
        long begin = longValue(path, name, offsetsNode.get(0), Rule.OFFSETS_OUTSIDE_DATA);
        long end = longValue(path, name, offsetsNode.get(1), Rule.OFFSETS_OUTSIDE_DATA);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new SafetensorsFormatException(path, name, Rule.OFFSETS_OUTSIDE_DATA,
                    "data_offsets " + offsetsNode + " are not inside the data section of " + dataSize + " bytes");
        }
        long expected;
        try {
            long numel = 1;
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            expected = Math.multiplyExact(numel, dtype.itemSize());
        } catch (ArithmeticException overflow) {
            throw new SafetensorsFormatException(path, name, Rule.SIZE_MISMATCH,
                    "shape " + shapeNode + " of " + dtype.fileName() + " overflows a 64-bit byte count");
        }
        if (end - begin != expected) {
            throw new SafetensorsFormatException(path, name, Rule.SIZE_MISMATCH,
                    "data_offsets " + offsetsNode + " hold " + (end - begin) + " bytes but " + dtype.fileName()
                            + " " + shapeNode + " needs " + expected);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static boolean allIntegral(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    private static long longValue(Path path, String name, JsonNode n, Rule rule) throws IOException {
        if (!n.canConvertToLong()) {
            throw new SafetensorsFormatException(path, name, rule, "value " + n + " does not fit in 64 bits");
        }
        return n.longValue();
    }

    private static void checkNoOverlap(Path path, Iterable<TensorInfo> tensors) throws IOException {
        List<TensorInfo> byOffset = new ArrayList<>();
        for (TensorInfo t : tensors) {
            if (t.byteSize() > 0) {
                byOffset.add(t);
            }
        }
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < byOffset.size(); i++) {
            TensorInfo previous = byOffset.get(i - 1);
            TensorInfo current = byOffset.get(i);
            if (current.begin() < previous.end()) {
                throw new SafetensorsFormatException(path, current.name(), Rule.OVERLAP,
                        "bytes [" + current.begin() + ", " + current.end() + ") overlap tensor '" + previous.name()
                                + "' at [" + previous.begin() + ", " + previous.end() + ")");
            }
        }
    }

    // ---------------------------------------------------------------- access

    public Path path() {
        return path;
    }

    /** The {@code __metadata__} map (empty when absent); never null. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names, sorted. */
    public NavigableSet<String> names() {
        return Collections.unmodifiableNavigableSet(new TreeSet<>(tensors.keySet()));
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** All entries, sorted by name. */
    public Iterable<TensorInfo> tensors() {
        return tensors.values();
    }

    /**
     * The header entry of {@code name}.
     *
     * @throws IllegalArgumentException naming the file when there is no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException(path + " has no tensor '" + name + "'");
        }
        return info;
    }

    /** Sum of all tensors' byte sizes: what the weights cost on disk, headers excluded. */
    public long tensorBytes() {
        long total = 0;
        for (TensorInfo t : tensors.values()) {
            total += t.byteSize();
        }
        return total;
    }

    /**
     * The little-endian bytes of {@code name}, memory-mapped and read-only, position 0, limit = byte size.
     * Each call returns a new view of the same mapping; no bytes are copied.
     */
    public ByteBuffer bytes(String name) {
        TensorInfo info = info(name);
        ByteBuffer buffer = mapped.computeIfAbsent(name, n -> map(info));
        return buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer map(TensorInfo info) {
        if (info.byteSize() > Integer.MAX_VALUE) {
            throw new UncheckedIOException(new SafetensorsFormatException(path, info.name(), Rule.TENSOR_TOO_LARGE,
                    "the tensor has " + info.byteSize() + " bytes"));
        }
        if (info.byteSize() == 0) {
            return ByteBuffer.allocate(0).asReadOnlyBuffer();
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteSize());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map tensor '" + info.name() + "' of " + path, e);
        }
    }

    /**
     * The values of a float tensor (F32, F16 or BF16) as float32, copied into a new array. Use for small tensors
     * (biases, norms) and in tests; large quantized weights are read through {@link #bytes(String)}.
     *
     * @throws IllegalArgumentException when the tensor is not a float tensor
     */
    public float[] floats(String name) {
        return TensorBytes.toFloats(info(name), bytes(name), path);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }
}

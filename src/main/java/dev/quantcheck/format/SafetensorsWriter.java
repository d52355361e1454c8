package dev.quantcheck.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a safetensors file: keys sorted, header padded with spaces to a multiple of 8 bytes, tensor data in key
 * order with increasing offsets, optional {@code __metadata__}. MLX, the Rust reference and this project's reader
 * all accept the result.
 *
 * <p>{@link #write(Path)} writes to a temporary file in the target folder and moves it into place, so an existing
 * file is replaced only by a complete new one.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *         .mlxFormat()
 *         .add("dense.weight", DType.F32, new long[] {2, 3}, TensorBytes.fromFloats(values, DType.F32))
 *         .write(dir.resolve("model.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Pending(DType dtype, long[] shape, ByteBuffer data) {
    }

    private final Map<String, String> metadata = new TreeMap<>();
    private final Map<String, Pending> tensors = new TreeMap<>();

    /** Adds a {@code __metadata__} entry. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds {@code {"format": "mlx"}}, which MLX's loaders expect of the files they read. */
    public SafetensorsWriter mlxFormat() {
        return metadata("format", "mlx");
    }

    /**
     * Adds a tensor. The buffer's remaining bytes are the little-endian data; they are read when the file is
     * written, not before, so mapped buffers from a {@link SafetensorsFile} are copied straight through.
     *
     * @throws IllegalArgumentException when the name repeats or the byte count does not match dtype and shape
     */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, ByteBuffer data) {
        if (name.equals("__metadata__")) {
            throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' is added twice");
        }
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has negative dimension in "
                        + Arrays.toString(shape));
            }
            numel = Math.multiplyExact(numel, d);
        }
        long expected = Math.multiplyExact(numel, dtype.itemSize());
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + dtype.fileName() + " "
                    + Arrays.toString(shape) + " (" + expected + " bytes) but " + data.remaining() + " bytes were given");
        }
        tensors.put(name, new Pending(dtype, shape.clone(), data.duplicate()));
        return this;
    }

    /** Adds a float tensor, encoding {@code values} in {@code dtype} (F32, F16 or BF16) with round-to-nearest-even. */
    public SafetensorsWriter addFloats(String name, DType dtype, long[] shape, float[] values) {
        return add(name, dtype, shape, TensorBytes.fromFloats(values, dtype));
    }

    /** Copies every tensor and the metadata of {@code source}, without decoding them. */
    public SafetensorsWriter addAll(SafetensorsFile source) {
        for (TensorInfo t : source.tensors()) {
            add(t.name(), t.dtype(), t.shape(), source.bytes(t.name()));
        }
        source.metadata().forEach(this::metadata);
        return this;
    }

    /** The names of the tensors added so far, sorted. */
    public java.util.SortedSet<String> names() {
        return java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(tensors.keySet()));
    }

    /** Total bytes of tensor data added so far. */
    public long tensorBytes() {
        return tensors.values().stream().mapToLong(p -> p.data.remaining()).sum();
    }

    /** Writes the file atomically: a temporary file beside {@code target}, synced, then moved into place. */
    public void write(Path target) throws IOException {
        byte[] header = header();
        AtomicFiles.write(target, tmp -> {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                writeFully(out, length.flip());
                writeFully(out, ByteBuffer.wrap(header));
                for (Pending p : tensors.values()) {
                    writeFully(out, p.data.duplicate());
                }
                out.force(true);
            }
        });
    }

    private byte[] header() {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Pending> e : tensors.entrySet()) {
            Pending p = e.getValue();
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", p.dtype.fileName());
            ArrayNode shape = entry.putArray("shape");
            for (long d : p.shape) {
                shape.add(d);
            }
            long end = offset + p.data.remaining();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            out.write(data);
        }
    }
}

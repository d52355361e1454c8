package dev.quantcheck.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The weights of a model directory, whether in one {@code model.safetensors} or in shards listed by
 * {@code model.safetensors.index.json}, seen as one map from tensor name to tensor.
 *
 * <p>Without an index, every {@code model*.safetensors} in the folder is read, as MLX's loaders glob them.
 */
public final class ModelWeights implements AutoCloseable {
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path directory;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byName;

    private ModelWeights(Path directory, List<SafetensorsFile> files, Map<String, SafetensorsFile> byName) {
        this.directory = directory;
        this.files = files;
        this.byName = byName;
    }

    /**
     * Opens the weights of {@code directory}.
     *
     * @throws ModelDirectoryException when there are no weights, the index names a missing file or tensor, or
     *                                 a tensor occurs in two files
     */
    public static ModelWeights open(Path directory) throws IOException {
        Path index = directory.resolve(INDEX_FILE);
        List<Path> paths = Files.exists(index) ? shardsOfIndex(directory, index) : globWeights(directory);
        if (paths.isEmpty()) {
            throw new ModelDirectoryException(directory.resolve("model.safetensors"),
                    "no weights: neither model.safetensors nor " + INDEX_FILE + " exists",
                    "convert or import the model into this folder first (./quantcheck import-onnx or convert)");
        }
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile> byName = new TreeMap<>();
        try {
            for (Path p : paths) {
                SafetensorsFile file = SafetensorsFile.open(p);
                files.add(file);
                for (String name : file.names()) {
                    SafetensorsFile previous = byName.put(name, file);
                    if (previous != null) {
                        throw new ModelDirectoryException(p, "tensor '" + name + "' is also in "
                                + previous.path().getFileName(), "remove the duplicate shard or rewrite the index");
                    }
                }
            }
            if (Files.exists(index)) {
                checkIndexAgainstFiles(index, byName);
            }
        } catch (IOException | RuntimeException e) {
            for (SafetensorsFile f : files) {
                f.close();
            }
            throw e;
        }
        return new ModelWeights(directory, Collections.unmodifiableList(files), Collections.unmodifiableMap(byName));
    }

    private static List<Path> globWeights(Path directory) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "model*.safetensors")) {
            stream.forEach(paths::add);
        }
        Collections.sort(paths);
        return paths;
    }

    private static List<Path> shardsOfIndex(Path directory, Path index) throws IOException {
        JsonNode weightMap = readIndex(index).get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new ModelDirectoryException(index, "there is no \"weight_map\" object",
                    "rewrite the index as {\"metadata\": {...}, \"weight_map\": {tensor: file}}");
        }
        TreeSet<String> shardNames = new TreeSet<>();
        weightMap.forEach(v -> shardNames.add(v.asText()));
        List<Path> paths = new ArrayList<>();
        for (String shard : shardNames) {
            Path p = resolveShard(directory, shard);
            if (p == null || !p.startsWith(directory.normalize()) || !Files.isRegularFile(p)) {
                throw new ModelDirectoryException(index, "the weight_map names '" + shard
                        + "', which is not a file in " + directory, "restore the missing shard or fix the index");
            }
            paths.add(p);
        }
        return paths;
    }

    /** The shard's path, or null when its name cannot name a file at all (a NUL character). */
    private static Path resolveShard(Path directory, String shard) {
        try {
            return directory.resolve(shard).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static JsonNode readIndex(Path index) throws IOException {
        try {
            return new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new ModelDirectoryException(index, "it is not valid JSON: " + e.getMessage(),
                    "rewrite or delete the index");
        }
    }

    private static void checkIndexAgainstFiles(Path index, Map<String, SafetensorsFile> byName) throws IOException {
        JsonNode weightMap = readIndex(index).get("weight_map");
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            SafetensorsFile holder = byName.get(e.getKey());
            if (holder == null || !holder.path().getFileName().toString().equals(e.getValue().asText())) {
                throw new ModelDirectoryException(index, "the weight_map puts '" + e.getKey() + "' in "
                        + e.getValue().asText() + (holder == null ? ", but no shard has it" : ", but it is in "
                        + holder.path().getFileName()), "rewrite the index to match the shards");
            }
        }
    }

    public Path directory() {
        return directory;
    }

    /** The weight files, in the order they were opened. */
    public List<SafetensorsFile> files() {
        return files;
    }

    /** The {@code __metadata__} of the first weight file. */
    public Map<String, String> metadata() {
        return files.get(0).metadata();
    }

    /** All tensor names, sorted. */
    public NavigableSet<String> names() {
        return Collections.unmodifiableNavigableSet(new TreeSet<>(byName.keySet()));
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * @throws IllegalArgumentException naming the folder when the tensor does not exist
     */
    public TensorInfo info(String name) {
        return fileOf(name).info(name);
    }

    /** Zero-copy little-endian bytes of a tensor. */
    public ByteBuffer bytes(String name) {
        return fileOf(name).bytes(name);
    }

    /** A float tensor decoded to float32 (a copy). */
    public float[] floats(String name) {
        return fileOf(name).floats(name);
    }

    /** Sum of all tensors' bytes. */
    public long tensorBytes() {
        return files.stream().mapToLong(SafetensorsFile::tensorBytes).sum();
    }

    /** Sum of all weight files' sizes on disk, headers included. */
    public long fileBytes() throws IOException {
        long total = 0;
        for (SafetensorsFile f : files) {
            total += Files.size(f.path());
        }
        return total;
    }

    private SafetensorsFile fileOf(String name) {
        SafetensorsFile file = byName.get(name);
        if (file == null) {
            throw new IllegalArgumentException(directory + " has no tensor '" + name + "'");
        }
        return file;
    }

    /** The file that holds tensor {@code name}: {@code model.safetensors} or one of its shards. */
    public Path pathOf(String name) {
        SafetensorsFile file = byName.get(name);
        return file == null ? directory.resolve("model.safetensors") : file.path();
    }

    /** The NaN and Inf values of every float tensor, one entry per tensor that has any; empty when all are finite. */
    public List<NonFiniteValues> nonFinite() {
        List<NonFiniteValues> found = new ArrayList<>();
        for (String name : names()) {
            NonFiniteValues n = NonFiniteValues.scan(info(name), bytes(name));
            if (n != null) {
                found.add(n);
            }
        }
        return found;
    }

    /** Every tensor's entry, by name. */
    public Map<String, TensorInfo> infos() {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        byName.keySet().forEach(n -> out.put(n, info(n)));
        return out;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

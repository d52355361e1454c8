package dev.quantcheck.conversion;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.quantcheck.QuantCheck;
import dev.quantcheck.models.BuiltinModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code config/models.yaml}: the models a team converts and gates. Unknown keys and wrong types are errors that
 * name the file and the line, so a typo never silently falls back to a default.
 *
 * <pre>
 * models:
 *   - name: all-minilm-l6-v2
 *     source: builtin:all-minilm-l6-v2
 *     bits: 8
 *     group_size: 64          # default 64
 *     dtype: float16          # default float16; float32, bfloat16
 *     rounding: gpu           # default gpu (a Mac); cpu
 *     target_size_mb: 25
 *     thresholds: {mean_cosine: 0.99, min_cosine: 0.98, mse: 0.001, max_abs_diff: 0.5}
 *     layers:
 *       embeddings.word_embeddings: {bits: 8}
 *       pooler.dense: keep
 * </pre>
 */
public final class ModelsConfig {
    /** Where the CLI looks by default, under {@link QuantCheck#home()}. */
    public static final String DEFAULT_PATH = "config/models.yaml";

    private static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private record FileContent(@JsonProperty("models") List<ModelEntry> models) {
    }

    private final Path file;
    private final List<ModelEntry> models;

    private ModelsConfig(Path file, List<ModelEntry> models) {
        this.file = file;
        this.models = List.copyOf(models);
    }

    /** {@code config/models.yaml} under the quantcheck home. */
    public static ModelsConfig loadDefault() throws IOException {
        return load(QuantCheck.home().resolve(DEFAULT_PATH));
    }

    /**
     * Reads and validates {@code file}.
     *
     * @throws ModelsConfigException naming the file, the line and the fix
     */
    public static ModelsConfig load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ModelsConfigException(file + ": the file is missing. Fix: create it (see config/models.yaml "
                    + "in the quantcheck repository) or pass --source DIR instead of --model");
        }
        FileContent content;
        try {
            content = YAML.readValue(file.toFile(), FileContent.class);
        } catch (JsonProcessingException e) {
            throw new ModelsConfigException(describe(file, e), e);
        }
        if (content == null || content.models() == null) {
            throw new ModelsConfigException(file + ": there is no 'models:' list. Fix: start the file with models: "
                    + "and list entries under it");
        }
        validate(file, content.models());
        return new ModelsConfig(file, content.models());
    }

    private static String describe(Path file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        int line = at == null ? -1 : at.getLineNr();
        if (e instanceof UnrecognizedPropertyException u) {
            // records are read whole before unknown keys are reported, so Jackson's location is the end of the
            // entry; the key itself is on the last line up to there that spells it
            line = lineOfKey(file, u.getPropertyName(), line);
        }
        String where = file + (line > 0 ? ", line " + line : "");
        if (e instanceof UnrecognizedPropertyException u) {
            Collection<Object> known = u.getKnownPropertyIds();
            return where + ": unknown key '" + u.getPropertyName() + "'" + path(u)
                    + ". Fix: use one of " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
        }
        String message = e.getOriginalMessage();
        if (e.getCause() instanceof IllegalArgumentException cause) {
            message = cause.getMessage();
        }
        return where + ": " + firstLine(message) + (e instanceof JsonMappingException m ? path(m) : "")
                + ". Fix: write the value with the type shown in config/models.yaml's comment";
    }

    private static int lineOfKey(Path file, String key, int before) {
        try {
            List<String> lines = Files.readAllLines(file);
            Pattern spelled = Pattern.compile("(^|[\\s{,-])" + Pattern.quote(key) + "\\s*:");
            for (int i = Math.min(before > 0 ? before : lines.size(), lines.size()); i >= 1; i--) {
                if (spelled.matcher(lines.get(i - 1)).find()) {
                    return i;
                }
            }
        } catch (IOException ignored) {
            // fall back to Jackson's line
        }
        return before;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "" : " (at " + sb + ")";
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void validate(Path file, List<ModelEntry> models) throws ModelsConfigException {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            ModelEntry m = models.get(i);
            if (m == null) {
                throw new ModelsConfigException(file + ": models[" + i + "] is empty. Fix: write its keys (name, "
                        + "source, bits...) under its dash, or remove the dash");
            }
            String where = file + ": models[" + i + "]" + (m.name() == null ? "" : " ('" + m.name() + "')");
            if (m.name() == null || m.name().isBlank()) {
                throw new ModelsConfigException(where + " has no name. Fix: add name: <model name>");
            }
            if (m.source() == null) {
                throw new ModelsConfigException(where + " has no source. Fix: add source: <model folder> or "
                        + "source: builtin:" + BuiltinModels.MINILM);
            }
            if (m.bits() == null) {
                throw new ModelsConfigException(where + " has no bits. Fix: add bits: 8 (or 2, 3, 4, 5, 6)");
            }
            if (!seen.add(m.name() + "@" + m.bits())) {
                throw new ModelsConfigException(where + " repeats the name and bits of an earlier entry. Fix: remove "
                        + "one, or give them different bits");
            }
            try {
                m.conversionOptions();
            } catch (IllegalArgumentException e) {
                throw new ModelsConfigException(where + ": " + e.getMessage());
            }
        }
    }

    public Path file() {
        return file;
    }

    public List<ModelEntry> models() {
        return models;
    }

    /**
     * The entry named {@code name}, at {@code bits} when given.
     *
     * @throws ModelsConfigException when there is none, or several and {@code bits} is null
     */
    public ModelEntry entry(String name, Integer bits) throws ModelsConfigException {
        List<ModelEntry> named = models.stream().filter(m -> m.name().equals(name)).collect(Collectors.toList());
        if (named.isEmpty()) {
            throw new ModelsConfigException(file + " has no model named '" + name + "'. Fix: use one of "
                    + models.stream().map(ModelEntry::name).distinct().collect(Collectors.joining(", ")));
        }
        if (bits == null) {
            if (named.size() > 1) {
                throw new ModelsConfigException(file + " lists '" + name + "' at " + named.stream()
                        .map(m -> m.bits() + " bits").collect(Collectors.joining(" and "))
                        + ". Fix: add --bits to choose one");
            }
            return named.get(0);
        }
        return named.stream().filter(m -> m.bits().equals(bits)).findFirst().orElseThrow(() ->
                new ModelsConfigException(file + " lists '" + name + "' only at " + named.stream()
                        .map(m -> m.bits() + " bits").collect(Collectors.joining(" and "))
                        + ". Fix: add an entry with bits: " + bits + " or choose one of those"));
    }

    /**
     * The original (float) model of the entries named {@code name}, whatever their bits: the reference that their
     * conversions are compared with.
     *
     * @throws ModelsConfigException when there is no such entry or its entries name different sources
     */
    public Path originalOf(String name) throws IOException {
        List<ModelEntry> named = models.stream().filter(m -> m.name().equals(name)).collect(Collectors.toList());
        ModelEntry first = entry(name, named.isEmpty() ? null : named.get(0).bits());
        if (named.stream().anyMatch(m -> !m.source().equals(first.source()))) {
            throw new ModelsConfigException(file + " lists '" + name + "' with different sources. Fix: give each "
                    + "source its own name");
        }
        return sourceOf(first);
    }

    /** The source folder of an entry: the built-in MiniLM (imported on first need) or a path under home. */
    public Path sourceOf(ModelEntry entry) throws IOException {
        if (entry.source().startsWith(ModelEntry.BUILTIN_PREFIX)) {
            String builtin = entry.source().substring(ModelEntry.BUILTIN_PREFIX.length());
            if (!builtin.equals(BuiltinModels.MINILM)) {
                throw new ModelsConfigException(file + ": model '" + entry.name() + "' names source " + entry.source()
                        + ", which is not built in. Fix: use builtin:" + BuiltinModels.MINILM + " or a folder");
            }
            return BuiltinModels.miniLm();
        }
        Path home = file.toAbsolutePath().getParent().getParent();
        return home.resolve(entry.source()).normalize();
    }
}

package dev.quantcheck.junit;

import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.conversion.ModelEntry;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.conversion.QualityThresholds;
import dev.quantcheck.format.ContentHash;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.models.BuiltinModels;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns the annotations into models and embeddings, caching conversions, loaded encoders and reference
 * embeddings in the root store: once per test run, shared by every class (the store is thread-safe, so this
 * holds under parallel execution too), and closed when the run ends.
 */
final class ModelResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ModelResolver.class);

    private final ExtensionContext.Store store;

    ModelResolver(ExtensionContext context) {
        this.store = context.getRoot().getStore(NAMESPACE);
    }

    // ---------------------------------------------------------------- quantized models

    ModelUnderTest quantized(QuantizedModel spec) {
        int given = (spec.path().isEmpty() ? 0 : 1) + (spec.model().isEmpty() ? 0 : 1) + (spec.source().isEmpty() ? 0 : 1);
        if (given != 1) {
            throw new ParameterResolutionException("@QuantizedModel needs exactly one of path, model or source; "
                    + "it gives " + given);
        }
        if (!spec.path().isEmpty()) {
            Path dir = Path.of(spec.path()).toAbsolutePath();
            if (!Files.isDirectory(dir)) {
                throw new ParameterResolutionException("@QuantizedModel(path = \"" + spec.path() + "\"): " + dir
                        + " does not exist; convert it first (./quantcheck convert) or use model = / source =");
            }
            return new ModelUnderTest(dir.getFileName().toString(), 0, dir, encoder(dir), QualityThresholds.NONE);
        }
        return cached("model:" + key(spec), () -> convert(spec));
    }

    private ModelUnderTest convert(QuantizedModel spec) throws IOException {
        String name;
        ConversionOptions options;
        Path source;
        QualityThresholds thresholds = QualityThresholds.NONE;
        if (!spec.model().isEmpty()) {
            ModelsConfig config = models(spec.config());
            ModelEntry entry = config.entry(spec.model(), spec.bits() == 0 ? null : spec.bits());
            name = entry.name();
            options = entry.conversionOptions();
            source = config.sourceOf(entry);
            thresholds = entry.thresholds();
        } else {
            source = sourceFolder(spec.source());
            name = source.getFileName().toString();
            options = ConversionOptions.defaults().withBits(spec.bits() == 0 ? 4 : spec.bits());
        }
        int defaultGroup = options.groupSize();
        if (spec.groupSize() != 0) {
            options = options.withGroupSize(spec.groupSize());
        }
        options = options.withFake(spec.fake());
        String folder = name + "-mlx-q" + options.bits() + (options.groupSize() != defaultGroup ? "-g" + options.groupSize() : "")
                + (options.fake() ? "-fake" : "");
        Path output = BuiltinModels.modelsRoot().resolve("mlx").resolve(folder);
        // the annotation declares the model: a stale conversion in that folder is replaced, not trusted
        Converter.convert(source, output, options, Converter.Existing.KEEP_OR_REPLACE);
        return new ModelUnderTest(name, options.bits(), output, encoder(output), thresholds);
    }

    private static String key(QuantizedModel spec) {
        return String.join("|", spec.model(), spec.source(), spec.config(), String.valueOf(spec.bits()),
                String.valueOf(spec.groupSize()), String.valueOf(spec.fake()));
    }

    // ---------------------------------------------------------------- references

    Embeddings reference(ReferenceEmbeddings spec) {
        if (spec.model().isEmpty() == spec.source().isEmpty()) {
            throw new ParameterResolutionException("@ReferenceEmbeddings needs exactly one of model or source "
                    + "(the original, unquantized model)");
        }
        List<String> texts = Corpus.read(spec);
        Path model = call(() -> spec.model().isEmpty() ? sourceFolder(spec.source())
                : models(spec.config()).originalOf(spec.model()));
        String corpusHash = ContentHash.ofBytes(java.nio.ByteBuffer.wrap(String.join("\n", texts)
                .getBytes(StandardCharsets.UTF_8)));
        if (spec.golden().isEmpty()) {
            return cached("reference:" + model + "|" + corpusHash,
                    () -> new Embeddings(texts, encoder(model).embed(texts), model.toString()));
        }
        Encoder encoder = encoder(model);
        GoldenFile.Identity identity = cached("identity:" + model, () -> new GoldenFile.Identity(
                ContentHash.ofDirectory(model), ContentHash.ofFile(encoder.model().tokenizerFile()),
                encoder.pooling().toString(), "")).withCorpus(corpusHash);
        return GoldenFile.readOrWrite(Path.of(spec.golden()), identity, texts, () -> encoder.embed(texts));
    }

    // ---------------------------------------------------------------- shared pieces

    /** The loaded encoder of a folder, one per folder for the whole run. */
    Encoder encoder(Path dir) {
        return cached("encoder:" + dir.toAbsolutePath().normalize(), () -> Encoder.load(dir));
    }

    private static ModelsConfig models(String file) throws IOException {
        return file.isEmpty() ? ModelsConfig.loadDefault() : ModelsConfig.load(Path.of(file));
    }

    private static Path sourceFolder(String source) throws IOException {
        if (source.equals(ModelEntry.BUILTIN_PREFIX + BuiltinModels.MINILM)) {
            return BuiltinModels.miniLm();
        }
        return Path.of(source).toAbsolutePath();
    }

    /** Work that may fail with an I/O error. */
    @FunctionalInterface
    interface IoSupplier<T> {
        T get() throws IOException;
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(String key, IoSupplier<T> compute) {
        return (T) store.getOrComputeIfAbsent(key, k -> call(compute));
    }

    private static <T> T call(IoSupplier<T> compute) {
        try {
            return compute.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}

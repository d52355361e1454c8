package dev.quantcheck.junit;

import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.conversion.ModelEntry;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.conversion.QualityThresholds;
import dev.quantcheck.corpus.TextCorpus;
import dev.quantcheck.format.ContentHash;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.inference.EncoderOptions;
import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.ModelInspector;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.reporting.PastStep;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns the annotations into models and embeddings, caching conversions, loaded encoders and reference
 * embeddings in the root store: once per test run, shared by every class (the store is thread-safe, so this
 * holds under parallel execution too), and closed when the run ends.
 *
 * <p>It also remembers, for reports, what it did and when ({@link #history}), the names and gates of the models
 * it converted, and which model and corpus each reference came from ({@link #originOf}).
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
            return new ModelUnderTest(dir.getFileName().toString(), 0, dir, encoder(dir, spec.allowNonFinite()),
                    QualityThresholds.NONE);
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
        long start = System.currentTimeMillis();
        boolean kept = Converter.convert(source, output, options, Converter.Existing.KEEP_OR_REPLACE).skipped();
        RunFacts facts = facts();
        facts.record(output, new PastStep("convert " + source.getFileName() + " to " + options.bits() + " bits in groups of "
                + options.groupSize() + (options.fake() ? " (fake)" : "") + (kept ? ": kept the existing conversion" : ""),
                start, System.currentTimeMillis()));
        facts.names.put(normal(output), name);
        facts.thresholds.put(normal(output), thresholds);
        return new ModelUnderTest(name, options.bits(), output, encoder(output, spec.allowNonFinite()), thresholds);
    }

    private static String key(QuantizedModel spec) {
        return String.join("|", spec.model(), spec.source(), spec.config(), String.valueOf(spec.bits()),
                String.valueOf(spec.groupSize()), String.valueOf(spec.fake()), String.valueOf(spec.allowNonFinite()));
    }

    // ---------------------------------------------------------------- references

    Embeddings reference(ReferenceEmbeddings spec) {
        if (spec.model().isEmpty() == spec.source().isEmpty()) {
            throw new ParameterResolutionException("@ReferenceEmbeddings needs exactly one of model or source "
                    + "(the original, unquantized model)");
        }
        TextCorpus corpus = Corpus.read(spec);
        List<String> texts = corpus.texts();
        Path model = call(() -> spec.model().isEmpty() ? sourceFolder(spec.source())
                : models(spec.config()).originalOf(spec.model()));
        String corpusHash = ContentHash.ofBytes(java.nio.ByteBuffer.wrap(String.join("\n", texts)
                .getBytes(StandardCharsets.UTF_8)));
        Embeddings embeddings = embeddings(spec, texts, model, corpusHash);
        if (corpus.hasPairs()) {
            embeddings = embeddings.withPairs(corpus.pairs(), corpus.humanScores());
        }
        facts().references.computeIfAbsent(embeddings, e -> new ReferenceOrigin(model, corpus.describe(),
                Optional.ofNullable(facts().embedded.get(model + "|" + corpusHash))));
        return embeddings;
    }

    private Embeddings embeddings(ReferenceEmbeddings spec, List<String> texts, Path model, String corpusHash) {
        if (spec.golden().isEmpty()) {
            String key = model + "|" + corpusHash;
            return cached("reference:" + key, () -> {
                Encoder encoder = encoder(model);
                long start = System.currentTimeMillis();
                float[][] vectors = encoder.embed(texts);
                facts().embedded.put(key, new PastStep("embed " + texts.size() + " reference texts with "
                        + model.getFileName(), start, System.currentTimeMillis()));
                return new Embeddings(texts, vectors, model.toString());
            });
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
        return encoder(dir, false);
    }

    /** The loaded encoder of a folder; one that measures NaN and Inf is loaded apart from one that refuses them. */
    private Encoder encoder(Path dir, boolean allowNonFinite) {
        return cached("encoder:" + dir.toAbsolutePath().normalize() + (allowNonFinite ? "|non-finite" : ""), () -> {
            long start = System.currentTimeMillis();
            Encoder encoder = Encoder.load(dir, EncoderOptions.defaults().withNonFiniteAllowed(allowNonFinite));
            facts().record(dir, new PastStep("load " + dir.getFileName() + " (" + encoder.kernels() + " kernels)", start,
                    System.currentTimeMillis()));
            return encoder;
        });
    }

    // ---------------------------------------------------------------- what reports need

    /**
     * Where a reference's embeddings came from: the original model, the corpus in words, and when they were
     * computed (empty when read from a golden file).
     */
    record ReferenceOrigin(Path model, String corpus, Optional<PastStep> embedded) {
    }

    /** What this run's resolutions recorded, shared by all resolvers of the run. */
    private static final class RunFacts {
        final Map<Path, List<PastStep>> history = new ConcurrentHashMap<>();
        final Map<Path, String> names = new ConcurrentHashMap<>();
        final Map<Path, QualityThresholds> thresholds = new ConcurrentHashMap<>();
        final Map<String, PastStep> embedded = new ConcurrentHashMap<>();
        /** By identity: records compare float[][] by reference anyway, and a golden's Embeddings are new each time. */
        final Map<Embeddings, ReferenceOrigin> references = Collections.synchronizedMap(new IdentityHashMap<>());

        void record(Path model, PastStep step) {
            history.computeIfAbsent(normal(model), k -> new CopyOnWriteArrayList<>()).add(step);
        }
    }

    private RunFacts facts() {
        return store.getOrComputeIfAbsent(RunFacts.class, k -> new RunFacts(), RunFacts.class);
    }

    /** What was done to the model in {@code dir} in this run, in order: conversion, load. */
    List<PastStep> history(Path dir) {
        return List.copyOf(facts().history.getOrDefault(normal(dir), List.of()));
    }

    /** The name of the entry or source a model was converted from in this run; empty for other folders. */
    Optional<String> nameOf(Path dir) {
        return Optional.ofNullable(facts().names.get(normal(dir)));
    }

    /** The gates of the {@code config/models.yaml} entry a model was converted from; {@link QualityThresholds#NONE} otherwise. */
    QualityThresholds thresholdsOf(Path dir) {
        return facts().thresholds.getOrDefault(normal(dir), QualityThresholds.NONE);
    }

    /** The model and corpus of reference embeddings this resolver made; empty for embeddings made otherwise. */
    Optional<ReferenceOrigin> originOf(Embeddings reference) {
        return Optional.ofNullable(facts().references.get(reference));
    }

    /** The quantization report of a loaded model (the {@code inspect} table), once per folder for the run. */
    InspectionReport inspection(Encoder encoder) {
        return cached("inspection:" + normal(encoder.path()), () -> ModelInspector.inspect(encoder.model()));
    }

    private static Path normal(Path dir) {
        return dir.toAbsolutePath().normalize();
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

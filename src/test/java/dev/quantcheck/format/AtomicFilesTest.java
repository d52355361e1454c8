package dev.quantcheck.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private static String[] listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void aWriterThatFailsHalfWayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        Files.writeString(target, "old and good");

        assertThatThrownBy(() -> AtomicFiles.write(target, tmp -> {
            Files.writeString(tmp, "half of the new");
            throw new IOException("No space left on device");
        })).hasMessage("No space left on device");

        assertThat(target).hasContent("old and good");
        assertThat(listing(dir)).containsExactly("model.safetensors");
    }

    @Test
    void aSuccessfulWriteReplacesTheFile() throws IOException {
        Path target = dir.resolve("config.json");
        Files.writeString(target, "old");
        AtomicFiles.write(target, "new".getBytes());
        assertThat(target).hasContent("new");
        assertThat(listing(dir)).containsExactly("config.json");
    }

    @Test
    void aDirectoryWriterThatFailsLeavesTheOldDirectoryWhole() throws IOException {
        Path target = dir.resolve("out");
        Files.createDirectories(target);
        Files.writeString(target.resolve("a.txt"), "old a");

        assertThatThrownBy(() -> AtomicFiles.writeDirectory(target, tmp -> {
            Files.writeString(tmp.resolve("a.txt"), "new a");
            throw new IllegalStateException("killed");
        })).hasMessage("killed");

        assertThat(target.resolve("a.txt")).hasContent("old a");
        assertThat(listing(dir)).containsExactly("out");
    }

    @Test
    void aDirectoryWriteReplacesTheWholeDirectory() throws IOException {
        Path target = dir.resolve("out");
        Files.createDirectories(target);
        Files.writeString(target.resolve("stale.txt"), "from the old output");

        AtomicFiles.writeDirectory(target, tmp -> Files.writeString(tmp.resolve("new.txt"), "new"));

        assertThat(listing(target)).containsExactly("new.txt");
        assertThat(listing(dir)).containsExactly("out");
    }

    @Test
    void aSwapInterruptedBetweenItsTwoRenamesIsUndoneByTheNextWrite() throws IOException {
        // the state a kill leaves after "target -> backup" and before "tmp -> target"
        Path backup = dir.resolve(".out.old");
        Files.createDirectories(backup);
        Files.writeString(backup.resolve("a.txt"), "old a");
        Path target = dir.resolve("out");

        assertThatThrownBy(() -> AtomicFiles.writeDirectory(target, tmp -> {
            throw new IOException("fails again");
        })).hasMessage("fails again");

        assertThat(target.resolve("a.txt")).hasContent("old a");
        assertThat(listing(dir)).containsExactly("out");
    }
}

package dev.quantcheck.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    // ---------------------------------------------------------------- one writer at a time

    @Test
    void aSecondWriterOfAFolderBeingWrittenFailsAtOnceNamingItAndTheFirstFinishes() throws Exception {
        Path target = dir.resolve("out");
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            Future<?> firstWrite = first.submit(() -> {
                AtomicFiles.writeDirectory(target, tmp -> {
                    Files.writeString(tmp.resolve("a.txt"), "first");
                    writing.countDown();
                    await(release);
                });
                return null;
            });
            writing.await();

            assertThatThrownBy(() -> AtomicFiles.writeDirectory(target, tmp -> Files.writeString(tmp.resolve("a.txt"),
                    "second")))
                    .isInstanceOf(OutputBusyException.class)
                    .hasMessageContaining(target.toString())
                    .hasMessageContaining("is being written by another quantcheck (another thread of this process)")
                    .hasMessageContaining("Nothing was changed there. Fix: wait for that run to finish, or choose "
                            + "another output");

            release.countDown();
            firstWrite.get();
        } finally {
            first.shutdownNow();
        }
        assertThat(target.resolve("a.txt")).hasContent("first");
        assertThat(listing(dir)).containsExactly("out");
    }

    @Test
    void theTemporariesOfKilledWritersAreDeletedByTheNextWriteAndNothingElse() throws Exception {
        long dead = deadPid();
        long alive = ProcessHandle.current().pid();
        // what kill -9 in the middle of earlier writes leaves: a half-written folder and half-written files
        Path staleFolder = Files.createDirectories(dir.resolve(".out.tmp-" + dead + "-" + UUID.randomUUID()));
        Files.writeString(staleFolder.resolve("model.safetensors"), "half");
        Files.writeString(dir.resolve(".out.tmp-" + dead + "-" + UUID.randomUUID()), "half");
        Files.writeString(dir.resolve(".golden.json.tmp-" + dead + "-" + UUID.randomUUID()), "half");
        // not to be touched: a live writer's temporary, another output's, and a user's file that only looks alike
        String live = ".out.tmp-" + alive + "-" + UUID.randomUUID();
        Files.writeString(dir.resolve(live), "being written");
        String other = ".outer.tmp-" + dead + "-" + UUID.randomUUID();
        Files.writeString(dir.resolve(other), "theirs");
        Files.writeString(dir.resolve(".out.tmp-notes"), "a user's file");

        AtomicFiles.writeDirectory(dir.resolve("out"), tmp -> Files.writeString(tmp.resolve("a.txt"), "new"));
        AtomicFiles.write(dir.resolve("golden.json"), "{}".getBytes());

        assertThat(listing(dir)).containsExactlyInAnyOrder(live, ".out.tmp-notes", other, "golden.json", "out");
    }

    /** The id of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aFileCannotBeWrittenOverAFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("embeddings.npy"));
        assertThatThrownBy(() -> AtomicFiles.write(folder, "x".getBytes()))
                .hasMessage("cannot write the file " + folder + ": it is a folder. Fix: name a file, e.g. "
                        + folder.resolve("out.npy"));
        assertThat(folder).isEmptyDirectory();
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
        }
    }
}

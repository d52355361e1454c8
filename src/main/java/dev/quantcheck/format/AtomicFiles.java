package dev.quantcheck.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writing outputs so that a failure at any moment never destroys a good one: everything is written under a
 * temporary name beside the target and renamed into place only when complete.
 *
 * <p>Temporary names carry the writer's process id ({@code .NAME.tmp-PID-UUID}), so that the next write of the same
 * target deletes what a killed writer left, and only that: never the temporary of a writer still running. Folders
 * are written under their {@link OutputLock}, so two writers never interleave; two writers of one file need no
 * lock, since each renames its own complete file into place.
 */
public final class AtomicFiles {
    private static final String TEMPORARY = ".tmp-";

    private AtomicFiles() {
    }

    /** Something that writes to a path and may fail. */
    @FunctionalInterface
    public interface PathWriter {
        void writeTo(Path path) throws IOException;
    }

    /**
     * Writes one file: {@code writer} fills a temporary file in {@code target}'s folder, which then replaces
     * {@code target} in a single atomic rename. On failure the temporary file is deleted and {@code target} is
     * untouched.
     *
     * @throws IOException naming the target when it is a folder
     */
    public static void write(Path target, PathWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        requireFileTarget(target);
        Files.createDirectories(absolute.getParent());
        deleteStaleTemporaries(absolute);
        Path tmp = temporaryOf(absolute);
        try {
            writer.writeTo(tmp);
            moveAtomically(tmp, absolute);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * Refuses to go on when {@code target} exists and is not an earlier output of the same kind, recognised by its
     * {@code marker} file: replacing a folder deletes what was in it, and a mistyped output path must not cost a user
     * their files. An empty folder may be replaced.
     *
     * @throws IOException naming the target, what is there and the fix
     */
    public static void requireReplaceable(Path target, String marker) throws IOException {
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new IOException(target + " is a file, not an output folder; writing there would delete it. Nothing "
                    + "was changed. Fix: choose a new or empty folder for the output");
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(target)) {
            empty = entries.findAny().isEmpty();
        }
        if (!empty && !Files.exists(target.resolve(marker))) {
            throw new IOException(target + " holds files but no " + marker + ", so it is not an output of quantcheck; "
                    + "writing there would delete what is in it. Nothing was changed. Fix: choose a new or empty "
                    + "folder for the output, or delete " + target + " yourself first");
        }
    }

    /**
     * Refuses a file target that is a folder, before any work is done for it.
     *
     * @throws IOException naming the target and the fix
     */
    public static void requireFileTarget(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write the file " + target + ": it is a folder. Fix: name a file, e.g. "
                    + target.resolve("out" + extension(target)));
        }
    }

    /** Writes a small file's bytes atomically. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, tmp -> Files.write(tmp, content));
    }

    /**
     * {@link #writeDirectory(OutputLock, PathWriter)} under the target's lock, failing at once with an
     * {@link OutputBusyException} when another writer holds it.
     */
    public static void writeDirectory(Path target, PathWriter writer) throws IOException {
        try (OutputLock lock = OutputLock.acquire(target, Duration.ZERO)) {
            writeDirectory(lock, writer);
        }
    }

    /**
     * Writes a whole directory, the target of {@code lock}: {@code writer} fills a fresh temporary folder beside
     * it; when it returns, the folder takes the target's place.
     *
     * <p>An existing target is first renamed to a backup beside it, the new folder is renamed into place, and only
     * then is the backup deleted. A crash between the two renames leaves the backup, which the next call for the
     * same target restores before doing anything else; so the target is always either the old complete folder or
     * the new complete one.
     */
    public static void writeDirectory(OutputLock lock, PathWriter writer) throws IOException {
        Path absolute = lock.target();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        recoverInterruptedSwap(absolute);
        deleteStaleTemporaries(absolute);
        Path tmp = temporaryOf(absolute);
        Files.createDirectory(tmp);
        try {
            writer.writeTo(tmp);
        } catch (IOException | RuntimeException | Error e) {
            deleteRecursively(tmp);
            throw e;
        }
        Path backup = backupOf(absolute);
        boolean hadOld = Files.exists(absolute);
        if (hadOld) {
            discardBackup(absolute);
            moveAtomically(absolute, backup);
        }
        try {
            moveAtomically(tmp, absolute);
        } catch (IOException e) {
            if (hadOld) {
                moveAtomically(backup, absolute);
            }
            deleteRecursively(tmp);
            throw e;
        }
        if (hadOld) {
            discardBackup(absolute);
        }
    }

    /**
     * Deletes a backup so that it is never seen half deleted: renamed first to a temporary name of its target, which
     * the next write removes if this one is killed meanwhile. A half-deleted {@code .NAME.old} would otherwise be
     * restored as the output by {@link #recoverInterruptedSwap}.
     */
    private static void discardBackup(Path target) throws IOException {
        Path backup = backupOf(target);
        if (!Files.exists(backup, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path trash = temporaryOf(target);
        moveAtomically(backup, trash);
        deleteRecursively(trash);
    }

    /** Where {@link #writeDirectory} keeps the old output while it swaps in the new one: {@code .NAME.old}. */
    private static Path backupOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".old");
    }

    /** A fresh temporary name beside {@code target}: {@code .NAME.tmp-PID-UUID}. */
    private static Path temporaryOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + TEMPORARY + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID());
    }

    /**
     * Deletes the temporary files and folders of {@code target} whose writer is no longer running: what a killed
     * writer left. A process id is only reused after its process ended, so a live writer's temporary is never taken.
     */
    static void deleteStaleTemporaries(Path target) throws IOException {
        String prefix = "." + target.getFileName() + TEMPORARY;
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            for (Path stale : (Iterable<Path>) siblings.filter(p -> isStale(p, prefix))::iterator) {
                deleteRecursively(stale);
            }
        }
    }

    private static boolean isStale(Path path, String prefix) {
        String name = path.getFileName().toString();
        if (!name.startsWith(prefix)) {
            return false;
        }
        String rest = name.substring(prefix.length());
        int dash = rest.indexOf('-');
        try {
            long pid = Long.parseLong(rest.substring(0, Math.max(dash, 0)));
            UUID.fromString(rest.substring(dash + 1));
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (IllegalArgumentException e) {
            return false; // not a name this class makes: someone else's file
        }
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot);
    }

    /** If a previous {@link #writeDirectory} died between its two renames, puts the old output back. */
    static void recoverInterruptedSwap(Path target) throws IOException {
        Path backup = backupOf(target);
        if (Files.exists(backup)) {
            if (Files.exists(target)) {
                discardBackup(target);
            } else {
                moveAtomically(backup, target);
            }
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to
                    + " atomically; keep outputs and their temporary files on one file system", e);
        }
    }

    /** Deletes a file or a folder with everything in it; a missing path is fine. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException ignored) {
                    // already gone
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

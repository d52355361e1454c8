package dev.quantcheck.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writing outputs so that a failure at any moment never destroys a good one: everything is written under a
 * temporary name beside the target and renamed into place only when complete.
 */
public final class AtomicFiles {
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
     */
    public static void write(Path target, PathWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + absolute.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            writer.writeTo(tmp);
            moveAtomically(tmp, absolute);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Writes a small file's bytes atomically. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, tmp -> Files.write(tmp, content));
    }

    /**
     * Writes a whole directory: {@code writer} fills a fresh temporary folder beside {@code target}; when it
     * returns, the folder takes {@code target}'s place.
     *
     * <p>An existing {@code target} is first renamed to a backup beside it, the new folder is renamed into place,
     * and only then is the backup deleted. A crash between the two renames leaves the backup, which the next call
     * for the same target restores before doing anything else; so the target is always either the old complete
     * folder or the new complete one.
     */
    public static void writeDirectory(Path target, PathWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        recoverInterruptedSwap(absolute);
        String base = "." + absolute.getFileName();
        Path tmp = parent.resolve(base + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            writer.writeTo(tmp);
        } catch (IOException | RuntimeException | Error e) {
            deleteRecursively(tmp);
            throw e;
        }
        Path backup = parent.resolve(base + ".old");
        boolean hadOld = Files.exists(absolute);
        if (hadOld) {
            deleteRecursively(backup);
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
            deleteRecursively(backup);
        }
    }

    /** If a previous {@link #writeDirectory} died between its two renames, puts the old output back. */
    static void recoverInterruptedSwap(Path target) throws IOException {
        Path backup = target.resolveSibling("." + target.getFileName() + ".old");
        if (Files.exists(backup)) {
            if (Files.exists(target)) {
                deleteRecursively(backup);
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

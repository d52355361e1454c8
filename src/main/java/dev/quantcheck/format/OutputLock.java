package dev.quantcheck.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One writer per output at a time, across threads and processes: an exclusive lock on a small file beside the
 * output ({@code .NAME.lock}), which records who holds it. The operating system drops the lock when its holder dies,
 * so a killed writer never blocks the next one; the lock file itself is deleted on {@link #close()}.
 *
 * <pre>{@code
 * try (OutputLock lock = OutputLock.acquire(output, Duration.ZERO)) {
 *     AtomicFiles.writeDirectory(lock, tmp -> ...);
 * }
 * }</pre>
 */
public final class OutputLock implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path target;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(Path target, Path file, FileChannel channel, FileLock lock) {
        this.target = target;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code target}, waiting up to {@code patience} for another writer to finish.
     *
     * @throws OutputBusyException when another thread or process still holds it after {@code patience}
     */
    public static OutputLock acquire(Path target, Duration patience) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path file = lockFileOf(absolute);
        try {
            Files.createDirectories(file.getParent());
            Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
        } catch (IOException e) {
            throw new IOException("cannot write " + absolute + ": " + e + ". Nothing was changed there. Fix: choose "
                    + "an output in a folder you can write to", e);
        }
        String token = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + " (" + UUID.randomUUID()
                + ")";
        Instant deadline = Instant.now().plus(patience);
        while (true) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock != null && claim(file, channel, token)) {
                return new OutputLock(absolute, file, channel, lock);
            }
            if (lock != null) {
                lock.release();
            }
            channel.close();
            if (!Instant.now().isBefore(deadline)) {
                throw new OutputBusyException(absolute, holder(file));
            }
            sleep();
        }
    }

    /** The lock file of {@code target}: {@code .NAME.lock} in the same folder. */
    static Path lockFileOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".lock");
    }

    /** The output this lock guards. */
    public Path target() {
        return target;
    }

    /** Deletes the lock file and releases the lock; the next writer may start. */
    @Override
    public void close() throws IOException {
        try {
            // deleted while still held: a waiter that then locks the unlinked file sees it gone and tries again
            Files.deleteIfExists(file);
        } finally {
            lock.release();
            channel.close();
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // another thread of this JVM holds it
        }
    }

    /**
     * Writes our token into the locked file and checks that the path still names that file: a holder deletes the
     * file before releasing it, so a lock won on a deleted file is not the lock of the output.
     */
    private static boolean claim(Path file, FileChannel channel, String token) throws IOException {
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(bytes), 0);
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).equals(token);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Who holds the lock, as its file says (empty while the holder is still writing it). */
    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            int uuid = text.indexOf(" (");
            String who = uuid < 0 ? text : text.substring(0, uuid);
            String self = "pid " + ProcessHandle.current().pid() + ",";
            return who.startsWith(self) ? "another thread of this process," + who.substring(self.length()) : who;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for an output lock");
        }
    }
}

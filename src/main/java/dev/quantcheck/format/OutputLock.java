package dev.quantcheck.format;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One writer of an output folder at a time, across threads and processes of one user on one machine: an exclusive
 * lock on a small file named after the output's real path, in {@code quantcheck-locks-USER} under the temporary
 * folder, which says who holds it. The operating system drops the lock when its holder dies, so a killed writer
 * never blocks the next one. Nothing is put beside the output.
 *
 * <pre>{@code
 * try (OutputLock lock = OutputLock.acquire(output, Duration.ZERO)) {
 *     AtomicFiles.writeDirectory(lock, tmp -> ...);
 * }
 * }</pre>
 *
 * <p>The lock file stays after the lock is released, by design: deleting it would let a waiter lock the deleted file
 * while a third writer locks a new one, and checking which is which means opening the file again, and on POSIX
 * systems closing any descriptor of a file drops every lock the process holds on it. For the same reason, threads of
 * one JVM take a {@link Semaphore} per output first and never open the file while another thread holds it.
 *
 * <p>Writers on other machines (a shared network folder) or of other users are not excluded; they still never
 * corrupt an output, since each renames its own complete folder into place.
 */
public final class OutputLock implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Map<Path, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Path target;
    private final Semaphore local;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(Path target, Semaphore local, FileChannel channel, FileLock lock) {
        this.target = target;
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code target}, waiting up to {@code patience} for another writer to finish.
     *
     * @throws OutputBusyException when another thread or process still holds it after {@code patience}
     * @throws IOException         naming the target when its folder cannot be written
     */
    public static OutputLock acquire(Path target, Duration patience) throws IOException {
        Path real = realPathOfPossiblyMissing(target);
        Instant deadline = Instant.now().plus(patience);
        Semaphore local = IN_THIS_JVM.computeIfAbsent(real, k -> new Semaphore(1));
        try {
            if (!local.tryAcquire(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()),
                    TimeUnit.MILLISECONDS)) {
                throw new OutputBusyException(target, "another thread of this process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lock of " + target);
        }
        try {
            return lockFile(target, real, local, deadline);
        } catch (IOException | RuntimeException | Error e) {
            local.release();
            throw e;
        }
    }

    /** Locks the file of {@code real}; messages name {@code target} as the user wrote it. */
    private static OutputLock lockFile(Path target, Path real, Semaphore local, Instant deadline) throws IOException {
        Path file = lockFileOf(real);
        FileChannel channel;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot create the lock file " + file + " for " + target + ": " + e + ". Nothing was "
                    + "changed there. Fix: make the temporary folder writable, or point java.io.tmpdir at one", e);
        }
        try {
            FileLock lock;
            while ((lock = channel.tryLock()) == null) {
                if (!Instant.now().isBefore(deadline)) {
                    throw new OutputBusyException(target, holder(channel));
                }
                sleep(target);
            }
            byte[] who = ("pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(who), 0);
            return new OutputLock(real, local, channel, lock);
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** The lock file of {@code target} (a real path), named after it; it says who holds or last held the lock. */
    public static Path lockFileOf(Path target) {
        String name = ContentHash.ofBytes(ByteBuffer.wrap(target.toString().getBytes(StandardCharsets.UTF_8)))
                .substring(0, 32);
        return Path.of(System.getProperty("java.io.tmpdir"), "quantcheck-locks-" + System.getProperty("user.name"),
                name + ".lock");
    }

    /**
     * The real path of {@code path} (symbolic links resolved), or of its nearest existing ancestor with the rest
     * appended: two spellings of one output get one lock.
     */
    public static Path realPathOfPossiblyMissing(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? absolute : existing.toRealPath().resolve(existing.relativize(absolute));
    }

    /** The output this lock guards, as a real path. */
    public Path target() {
        return target;
    }

    /** Releases the lock; the next writer may start. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            local.release();
        }
    }

    /** Who holds the lock, as its file says; read through our own channel, never a new descriptor. */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer bytes = ByteBuffer.allocate(256);
            channel.read(bytes, 0);
            String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? "a process that is starting" : text;
        } catch (IOException e) {
            return "a process that cannot be named: " + e.getMessage();
        }
    }

    private static void sleep(Path target) throws InterruptedIOException {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lock of " + target);
        }
    }
}

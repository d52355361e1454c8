package dev.quantcheck.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * kill -9 of a child JVM at random moments of its write. The write starts when the child's temporary of the output
 * ({@code .NAME.tmp-PID-...}) appears in its folder and ends when that temporary is renamed into place; its length
 * is measured on one uninterrupted run first.
 */
public final class KillTrials {
    private final ChildJvm child;
    private final String[] args;
    private final Path folder;
    private final String temporaryPrefix;
    private final SplittableRandom random = new SplittableRandom(20261202);
    private long writeNanos;
    private int killedWhileWriting;

    /** Trials of {@code child args} writing {@code output}, whose temporaries are {@code .NAME.tmp-*} beside it. */
    public KillTrials(ChildJvm child, Path output, String... args) {
        this.child = child;
        this.args = args;
        this.folder = output.getParent();
        this.temporaryPrefix = "." + output.getFileName() + ".tmp-";
    }

    /** Runs the child once to the end, measuring its write; it must succeed. */
    public KillTrials calibrate() throws Exception {
        Process p = child.start(args);
        awaitWrite(p);
        long start = System.nanoTime();
        while (!ownTemporaries(p).isEmpty()) {
            Thread.sleep(1);
        }
        writeNanos = System.nanoTime() - start;
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError("the uninterrupted run failed: " + out);
        }
        return this;
    }

    /**
     * Starts the child and kills it at a random moment from the start of its write to 25% past its measured end, so
     * that some kills land around the final rename and after it.
     */
    public void killOnce() throws Exception {
        Process p = child.start(args);
        boolean writing = awaitWrite(p);
        Thread.sleep(random.nextLong(writeNanos * 5 / 4 / 1_000_000 + 1));
        if (writing && p.isAlive()) {
            killedWhileWriting++;
        }
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the killed child did not end");
        }
    }

    /** How many kills hit a child that was writing and still alive. */
    public int killedWhileWriting() {
        return killedWhileWriting;
    }

    /** The names in the output's folder that match {@code filter}, sorted. */
    public List<String> listing(Predicate<String> filter) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return new ArrayList<>(s.map(p -> p.getFileName().toString()).filter(filter).sorted().toList());
        }
    }

    private List<String> ownTemporaries(Process p) throws IOException {
        String own = temporaryPrefix + p.pid() + "-";
        return listing(n -> n.startsWith(own));
    }

    /** The output's temporaries now in its folder. */
    public List<String> temporaries() throws IOException {
        return listing(n -> n.startsWith(temporaryPrefix));
    }

    /**
     * Waits until the child has started writing (a temporary of its own exists: those of killed children before it
     * may still be there); false when it ended first.
     */
    private boolean awaitWrite(Process p) throws Exception {
        while (p.isAlive()) {
            if (!ownTemporaries(p).isEmpty()) {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }
}

package dev.quantcheck.inference;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of persistent daemon threads that run {@link #parallelFor} loops: {@code [0, count)} is cut into
 * {@link #threads()} contiguous chunks, the caller runs chunk 0 and worker i runs chunk i. Made for the many short
 * loops of an encoder forward (a 128x384x384 matmul takes about 0.2 ms), so workers spin for a few tens of
 * microseconds before they park.
 *
 * <p>Thread-safety: {@code parallelFor} may be called from several threads at once; the calls are serialised
 * (one loop runs at a time), so the worker index a task sees is unique within its loop and a task may keep
 * per-worker scratch indexed by it. A {@code parallelFor} called from inside a task runs inline on the calling
 * thread with that thread's worker index. With {@code threads <= 1} everything runs inline on the caller.
 *
 * <p>An exception thrown by any chunk is rethrown to the caller after every chunk has finished; exceptions of
 * other chunks are attached as suppressed.
 */
public final class WorkerPool implements AutoCloseable {
    private static final long SPIN_NANOS = 50_000;

    /** One chunk of a {@link #parallelFor}: indices {@code [start, end)}, run by worker {@code worker}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end, int worker);
    }

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closed;
    /** Bumped (after the job fields are written) to start a loop; workers read it first. */
    private volatile long generation;
    private RangeTask task;
    private int count;
    private Thread caller;

    /** A pool of {@code threads} threads, the caller included: {@code threads - 1} daemon workers are started. */
    public WorkerPool(int threads) {
        this.threads = Math.max(1, threads);
        this.workers = new Worker[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** The number of available processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Threads that share a loop, the caller included (at least 1). */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, count)} in {@link #threads()} contiguous chunks (chunk i starts at
     * {@code ceil(count*i/threads)}; empty chunks are not run) and returns when all are done.
     *
     * @throws IllegalStateException after {@link #close()}
     * @throws RuntimeException      or Error: the first exception a chunk threw
     */
    public void parallelFor(int count, RangeTask task) {
        if (count < 0) {
            throw new IllegalArgumentException("count " + count + " is negative");
        }
        if (closed) {
            throw new IllegalStateException("the worker pool is closed");
        }
        if (count == 0) {
            return;
        }
        Thread current = Thread.currentThread();
        if (current instanceof Worker && ((Worker) current).pool() == this) {
            task.run(0, count, ((Worker) current).index);
            return;
        }
        if (lock.isHeldByCurrentThread()) {
            task.run(0, count, 0);
            return;
        }
        lock.lock();
        try {
            if (threads == 1 || count == 1) {
                task.run(0, count, 0);
                return;
            }
            runInParallel(count, task);
        } finally {
            lock.unlock();
        }
    }

    private void runInParallel(int count, RangeTask task) {
        this.task = task;
        this.count = count;
        this.caller = Thread.currentThread();
        failure.set(null);
        pending.set(workers.length);
        generation = generation + 1; // publishes task, count and caller
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
        runChunk(0);
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (pending.get() > 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        this.task = null;
        Throwable t = failure.getAndSet(null);
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        if (t != null) {
            throw new RuntimeException(t);
        }
    }

    private void runChunk(int index) {
        int start = chunkStart(count, index, threads);
        int end = chunkStart(count, index + 1, threads);
        if (start >= end) {
            return;
        }
        try {
            task.run(start, end, index);
        } catch (Throwable t) {
            if (!failure.compareAndSet(null, t)) {
                synchronized (failure) {
                    failure.get().addSuppressed(t);
                }
            }
        }
    }

    /** {@code ceil(count * index / threads)}: the first chunks are the longer ones, so the caller's is never empty. */
    static int chunkStart(int count, int index, int threads) {
        return (int) (((long) count * index + threads - 1) / threads);
    }

    /** Stops the workers; idempotent. Later {@link #parallelFor} calls throw. */
    @Override
    public void close() {
        boolean mine = !lock.isHeldByCurrentThread();
        if (mine) {
            lock.lock(); // lets a running loop finish first
        }
        try {
            closed = true;
        } finally {
            if (mine) {
                lock.unlock();
            }
        }
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
        for (Worker w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker extends Thread {
        final int index;

        Worker(int index) {
            super("quantcheck-worker-" + index);
            this.index = index;
            setDaemon(true);
        }

        WorkerPool pool() {
            return WorkerPool.this;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                long g;
                while ((g = generation) == seen && !closed) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(WorkerPool.this);
                    }
                }
                if (closed) {
                    return;
                }
                seen = g;
                runChunk(index);
                Thread waiting = caller;
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(waiting);
                }
            }
        }
    }
}

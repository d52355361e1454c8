package dev.quantcheck.inference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class WorkerPoolTest {

    @Test
    void chunksCoverTheRangeExactlyOnceAndContiguously() {
        for (int threads = 1; threads <= 4; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                assertThat(pool.threads()).isEqualTo(threads);
                for (int count : new int[] {0, 1, 2, 3, 5, 7, 64, 1001}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(count, 1));
                    int[][] chunkOf = new int[threads][];
                    int t = threads;
                    pool.parallelFor(count, (start, end, worker) -> {
                        synchronized (chunkOf) {
                            assertThat(chunkOf[worker]).as("worker %d runs one chunk", worker).isNull();
                            chunkOf[worker] = new int[] {start, end};
                        }
                        for (int i = start; i < end; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < count; i++) {
                        assertThat(hits.get(i)).as("index %d of %d with %d threads", i, count, t).isEqualTo(1);
                    }
                    for (int w = 0; w < threads; w++) {
                        int expectedStart = (int) Math.ceil((double) count * w / threads);
                        int expectedEnd = (int) Math.ceil((double) count * (w + 1) / threads);
                        if (expectedStart < expectedEnd) {
                            assertThat(chunkOf[w]).containsExactly(expectedStart, expectedEnd);
                        } else {
                            assertThat(chunkOf[w]).as("empty chunks are not run").isNull();
                        }
                    }
                }
            }
        }
    }

    @Test
    void theCallerRunsChunkZeroAndSingleThreadPoolsRunInline() {
        Thread caller = Thread.currentThread();
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicReference<Thread> zero = new AtomicReference<>();
            AtomicReference<Thread> one = new AtomicReference<>();
            pool.parallelFor(2, (s, e, w) -> (w == 0 ? zero : one).set(Thread.currentThread()));
            assertThat(zero.get()).isSameAs(caller);
            assertThat(one.get()).isNotSameAs(caller);
            assertThat(one.get().isDaemon()).isTrue();
        }
        try (WorkerPool pool = new WorkerPool(0)) {
            assertThat(pool.threads()).isEqualTo(1);
            AtomicReference<Thread> ran = new AtomicReference<>();
            pool.parallelFor(10, (s, e, w) -> {
                assertThat(s).isZero();
                assertThat(e).isEqualTo(10);
                ran.set(Thread.currentThread());
            });
            assertThat(ran.get()).isSameAs(caller);
        }
        assertThat(WorkerPool.defaultThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void anExceptionInAWorkerReachesTheCallerAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(3)) {
            assertThatThrownBy(() -> pool.parallelFor(9, (s, e, w) -> {
                if (w == 2) {
                    throw new IllegalStateException("chunk " + s);
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 6");

            assertThatThrownBy(() -> pool.parallelFor(9, (s, e, w) -> {
                throw new IllegalArgumentException("worker " + w);
            })).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(t -> assertThat(t.getSuppressed()).hasSize(2));

            assertThatThrownBy(() -> pool.parallelFor(3, (s, e, w) -> {
                if (w == 1) {
                    throw new AssertionError("an Error too");
                }
            })).isInstanceOf(AssertionError.class).hasMessage("an Error too");

            AtomicLong sum = new AtomicLong();
            pool.parallelFor(100, (s, e, w) -> {
                for (int i = s; i < e; i++) {
                    sum.addAndGet(i);
                }
            });
            assertThat(sum.get()).isEqualTo(4950);
        }
    }

    @Test
    void concurrentCallersEachGetTheirWholeLoop() throws Exception {
        try (WorkerPool pool = new WorkerPool(2)) {
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<Long>> results = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    int n = 1000 + c;
                    results.add(callers.submit(() -> {
                        long total = 0;
                        for (int round = 0; round < 300; round++) {
                            long[] perWorker = new long[pool.threads()];
                            pool.parallelFor(n, (s, e, w) -> {
                                for (int i = s; i < e; i++) {
                                    perWorker[w] += i;
                                }
                            });
                            total += perWorker[0] + perWorker[1];
                        }
                        return total;
                    }));
                }
                for (int c = 0; c < 4; c++) {
                    long n = 1000 + c;
                    assertThat(results.get(c).get()).isEqualTo(300 * n * (n - 1) / 2);
                }
            } finally {
                callers.shutdownNow();
            }
        }
    }

    @Test
    void aNestedLoopRunsInlineWithTheWorkersIndex() {
        try (WorkerPool pool = new WorkerPool(2)) {
            int[] inner = new int[2];
            pool.parallelFor(2, (s, e, w) -> pool.parallelFor(5, (s2, e2, w2) -> {
                assertThat(w2).isEqualTo(w);
                inner[w] += e2 - s2;
            }));
            assertThat(inner).containsExactly(5, 5);
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        pool.close();
        assertThatThrownBy(() -> pool.parallelFor(4, (s, e, w) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        try (WorkerPool open = new WorkerPool(2)) {
            assertThatThrownBy(() -> open.parallelFor(-1, (s, e, w) -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}

package dev.quantcheck.fuzz;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * What every parser promises for any input, checked by the fuzz tests: it loads, or it fails with its documented
 * exception whose message names the file; it throws nothing else (no NPE, IndexOutOfBounds, NegativeArraySize,
 * OutOfMemoryError...); and it allocates no more than a bound that grows with the input's size, never with a
 * size the input merely declares. Hangs are Jazzer's to catch: each fuzz test carries a JUnit {@code @Timeout},
 * which Jazzer turns into its per-input timeout.
 *
 * <p>Anything else thrown by the parse propagates unchanged, so that Jazzer reports it with its stack trace.
 */
public final class ParserContract {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A parse of one input; it may throw anything, which is what is checked. */
    @FunctionalInterface
    public interface Parse {
        void run() throws Exception;
    }

    /**
     * The most a parse may allocate: {@code fixedBytes} for what does not depend on the input (other files of the
     * model folder, mappers, buffers) plus {@code bytesPerInputByte} for every byte of input.
     */
    public record AllocationBound(long fixedBytes, long bytesPerInputByte) {
        long limitFor(long inputBytes) {
            return fixedBytes + bytesPerInputByte * inputBytes;
        }

        @Override
        public String toString() {
            return fixedBytes + " + " + bytesPerInputByte + " * input bytes";
        }
    }

    private final List<Class<? extends Exception>> documented;
    private final AllocationBound bound;

    private ParserContract(List<Class<? extends Exception>> documented, AllocationBound bound) {
        if (!THREADS.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's allocations; the fuzz tests need it");
        }
        THREADS.setThreadAllocatedMemoryEnabled(true);
        this.documented = documented;
        this.bound = bound;
    }

    /** A parser whose documented failure is {@code documented}, allowed to allocate up to {@code bound}. */
    public static ParserContract failsOnlyWith(Class<? extends Exception> documented, AllocationBound bound) {
        return new ParserContract(List.of(documented), bound);
    }

    /** A parser with two documented failures (one of its own, one of a parser it calls). */
    public static ParserContract failsOnlyWith(Class<? extends Exception> documented,
                                               Class<? extends Exception> alsoDocumented, AllocationBound bound) {
        return new ParserContract(List.of(documented, alsoDocumented), bound);
    }

    /**
     * Runs {@code parse} on an input of {@code inputBytes} bytes read from {@code fileName} and checks the contract.
     *
     * @throws AssertionError when the documented exception does not name the file, or the parse allocates more
     *                        than the bound
     * @throws Exception      whatever else the parse threw, unchanged
     */
    public void check(String fileName, long inputBytes, Parse parse) throws Exception {
        long allocated = allocatedBy(fileName, parse);
        long limit = bound.limitFor(inputBytes);
        if (allocated > limit) {
            // The first run of a code path also pays for class loading and for linking each string concatenation
            // and lambda; the same parse again costs only what the input costs.
            allocated = Math.min(allocated, allocatedBy(fileName, parse));
        }
        if (allocated > limit) {
            throw new AssertionError("parsing " + inputBytes + " bytes of " + fileName + " allocated " + allocated
                    + " bytes, over the bound of " + limit + " (" + bound + ")");
        }
    }

    private long allocatedBy(String fileName, Parse parse) throws Exception {
        long threadId = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(threadId);
        try {
            parse.run();
        } catch (Exception e) {
            if (documented.stream().noneMatch(type -> type.isInstance(e))) {
                throw e;
            }
            if (e.getMessage() == null || !e.getMessage().contains(fileName)) {
                throw new AssertionError("the " + e.getClass().getSimpleName() + " does not name " + fileName, e);
            }
        }
        return THREADS.getThreadAllocatedBytes(threadId) - before;
    }
}

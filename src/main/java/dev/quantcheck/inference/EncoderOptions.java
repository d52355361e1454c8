package dev.quantcheck.inference;

/**
 * How an {@link Encoder} runs.
 *
 * @param threads        worker threads for matmuls and attention (default: all cores)
 * @param batchSize      texts per forward pass in {@link Encoder#embed} (default 32)
 * @param maxLength      tokens per text after truncation, special tokens included; 0 means the model's maximum
 *                       positions (512 for BERT)
 * @param vector         use the Vector API kernels when the JVM has {@code jdk.incubator.vector} (default true);
 *                       false forces the plain-Java kernels
 * @param allowNonFinite load weights that hold NaN or Inf, and return embeddings that do, so that a broken model can
 *                       be measured on purpose (default false: both are refused with an error that names them)
 */
public record EncoderOptions(int threads, int batchSize, int maxLength, boolean vector, boolean allowNonFinite) {
    public EncoderOptions {
        if (threads < 1 || batchSize < 1 || maxLength < 0) {
            throw new IllegalArgumentException("threads " + threads + " and batch size " + batchSize
                    + " must be >= 1, max length " + maxLength + " >= 0");
        }
    }

    public static EncoderOptions defaults() {
        return new EncoderOptions(WorkerPool.defaultThreads(), 32, 0, true, false);
    }

    public EncoderOptions withThreads(int threads) {
        return new EncoderOptions(threads, batchSize, maxLength, vector, allowNonFinite);
    }

    public EncoderOptions withBatchSize(int batchSize) {
        return new EncoderOptions(threads, batchSize, maxLength, vector, allowNonFinite);
    }

    public EncoderOptions withMaxLength(int maxLength) {
        return new EncoderOptions(threads, batchSize, maxLength, vector, allowNonFinite);
    }

    public EncoderOptions withVector(boolean vector) {
        return new EncoderOptions(threads, batchSize, maxLength, vector, allowNonFinite);
    }

    public EncoderOptions withNonFiniteAllowed(boolean allowNonFinite) {
        return new EncoderOptions(threads, batchSize, maxLength, vector, allowNonFinite);
    }
}

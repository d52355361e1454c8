package dev.quantcheck.bench;

import dev.quantcheck.inference.TokenBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One all-MiniLM-L6-v2 forward pass (last_hidden_state, no pooling) per operation, quantcheck against ONNX
 * Runtime on the same token ids: 32 texts x 16 tokens and 8 texts x 128 tokens, no padding, 2 threads each.
 *
 * <p>Per fork 5 x 1 s warm-up + 5 x 2 s measured. {@code benchmarks/run.sh} runs 3 rounds of one fork per engine and
 * shape (about 9 minutes for all 10 pairs on 2 cores) and summarises them; run directly, JMH makes 3 forks in a
 * row. docs/PERFORMANCE.md has the results.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-DOPT_OUT_TRACKING=true", "-Dai.djl.offline=true", "-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class MiniLmForwardBenchmark {
    @Param({"quantcheck-fp32", "quantcheck-q8", "quantcheck-q4", "onnxruntime-fp32", "onnxruntime-int8"})
    public String engine;

    /** texts x tokens per text. */
    @Param({"32x16", "8x128"})
    public String shape;

    @Param({"2"})
    public int threads;

    private Engine loaded;

    @Setup(Level.Trial)
    public void load() throws Exception {
        if (System.getProperty("quantcheck.home") == null) {
            throw new IllegalStateException("-Dquantcheck.home (the repository root) is not set; run benchmarks/run.sh");
        }
        TokenBatch batch = BenchModels.batch(shape);
        loaded = Engine.open(engine, batch, threads);
        if (loaded.lastHiddenState()[0][0].length != 384) {
            throw new IllegalStateException(engine + " did not produce 384-wide states");
        }
    }

    @Benchmark
    public Object forward() throws Exception {
        return loaded.forward();
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        loaded.close();
    }
}

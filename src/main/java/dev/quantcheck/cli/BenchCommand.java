package dev.quantcheck.cli;

import dev.quantcheck.inference.Encoder;
import dev.quantcheck.inference.EncoderOptions;
import dev.quantcheck.inference.ForwardTimer;
import dev.quantcheck.inference.TokenBatch;
import dev.quantcheck.inference.WorkerPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code quantcheck bench}: quick forward-pass timings of one or more model folders (not JMH). */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {
                "Time forward passes of model folders (float or MLX-quantized) in Java: median and p90 ms per pass, "
                        + "texts/s at the median, and resident MB (the weights as held in memory, packed when "
                        + "quantized).",
                "Every text has exactly --tokens tokens (cut from built-in sample sentences), so models compare "
                        + "on the same work.",
                "These are quick timings; for JMH numbers against ONNX Runtime see docs/PERFORMANCE.md."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", required = true,
            description = "A model folder; repeat to compare several.")
    List<Path> models;

    @Option(names = "--texts", paramLabel = "N", defaultValue = "8", description = "Texts per forward pass (default ${DEFAULT-VALUE}).")
    int texts;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "128",
            description = "Tokens per text, [CLS] and [SEP] included (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "20", description = "Timed forward passes (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "5", description = "Untimed forward passes first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (texts < 1 || tokens < 2 || iterations < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--texts (" + texts + ") and --iterations ("
                    + iterations + ") must be >= 1, --tokens (" + tokens + ") >= 2 and --warmup (" + warmup
                    + ") >= 0");
        }
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, not " + threads);
        }
        int workers = threads == null ? WorkerPool.defaultThreads() : threads;
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Quick timings (System.nanoTime, not JMH; for JMH numbers see docs/PERFORMANCE.md): %d texts x "
                        + "%d tokens, %d warm-up + %d timed forward passes, %d threads, Java %s%n", texts, tokens,
                warmup, iterations, workers, System.getProperty("java.version"));
        out.printf("%-44s %-16s %10s %10s %10s %12s%n", "model", "kernels", "median ms", "p90 ms", "texts/s",
                "resident MB");
        for (Path model : models) {
            try (Encoder encoder = Encoder.load(model, EncoderOptions.defaults().withThreads(workers))) {
                if (tokens > encoder.config().maxPositions()) {
                    throw new ParameterException(spec.commandLine(), "--tokens " + tokens + " exceeds the "
                            + encoder.config().maxPositions() + " positions of " + model);
                }
                TokenBatch batch = ForwardTimer.sampleBatch(encoder, texts, tokens);
                ForwardTimer.Timing t = ForwardTimer.time(encoder, batch, warmup, iterations);
                out.printf("%-44s %-16s %10.2f %10.2f %10.1f %12.1f%n", model, encoder.kernels(), t.medianMs(),
                        t.p90Ms(), t.textsPerSecond(), encoder.residentBytes() / 1048576.0);
                out.flush();
            }
        }
        return 0;
    }
}

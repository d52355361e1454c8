package dev.quantcheck.cli;

import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code quantcheck bench}: the shape of its report, never how fast anything is. */
class BenchCommandTest {
    @TempDir
    Path dir;

    /** Runs the command alone (it is registered in QuantCheckCli separately) and captures what it prints. */
    private static CliRun bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void printsOneRowOfPositiveNumbersPerModel() throws IOException {
        // GIVEN a float model and its 8-bit conversion
        Path fp32 = TinyBert.builder().write(dir.resolve("tiny"));
        Path q8 = dir.resolve("tiny-q8");
        Converter.convert(fp32, q8, ConversionOptions.defaults().withBits(8).withGroupSize(32), false);

        // WHEN
        CliRun run = bench("--model", fp32.toString(), "--model", q8.toString(), "--texts", "3", "--tokens", "11",
                "--iterations", "4", "--warmup", "1", "--threads", "2");

        // THEN
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("Quick timings", "not JMH", "docs/PERFORMANCE.md", "3 texts x 11 tokens",
                "1 warm-up + 4 timed forward passes", "2 threads");
        assertThat(lines.get(1).split("\\s+")).containsExactly("model", "kernels", "median", "ms", "p90", "ms",
                "texts/s", "resident", "MB");
        assertRow(lines.get(2), fp32);
        assertRow(lines.get(3), q8);
    }

    private static void assertRow(String line, Path model) {
        String[] cells = line.trim().split("\\s+");
        assertThat(cells).hasSize(6);
        assertThat(cells[0]).isEqualTo(model.toString());
        assertThat(cells[1]).matches("(vector|scalar).*");
        List<Double> numbers = Arrays.stream(cells, 2, 6).map(Double::valueOf).toList();
        assertThat(numbers).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(numbers.get(1)).as("p90 >= median").isGreaterThanOrEqualTo(numbers.get(0));
    }

    @Test
    void moreTokensThanTheModelHasPositionsIsAUsageError() throws IOException {
        Path tiny = TinyBert.builder().write(dir.resolve("tiny")); // 64 positions

        CliRun run = bench("--model", tiny.toString(), "--tokens", "65", "--iterations", "1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--tokens 65 exceeds the 64 positions of " + tiny);
    }

    @Test
    void tooFewTokensOrIterationsAreUsageErrors() throws IOException {
        Path tiny = TinyBert.builder().write(dir.resolve("tiny"));

        assertThat(bench("--model", tiny.toString(), "--tokens", "1").exitCode()).isEqualTo(2);
        assertThat(bench("--model", tiny.toString(), "--iterations", "0").exitCode()).isEqualTo(2);
        assertThat(bench("--model", tiny.toString(), "--threads", "0").exitCode()).isEqualTo(2);
    }

    @Test
    void aModelIsRequired() {
        CliRun run = bench("--texts", "2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--model");
    }

    @Test
    void helpPointsToTheJmhNumbers() {
        CliRun run = bench("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--model", "--texts", "--tokens", "--iterations", "--threads",
                "docs/PERFORMANCE.md");
    }
}

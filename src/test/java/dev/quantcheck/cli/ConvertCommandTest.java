package dev.quantcheck.cli;

import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConvertCommandTest {
    @TempDir
    Path dir;

    @Test
    void convertsASourceFolderWithTheGivenOptions() throws IOException {
        Path source = TinyBert.builder().write(dir.resolve("tiny"));
        Path out = dir.resolve("tiny-q3");
        CliRun run = CliRun.of("convert", "--source", source.toString(), "--bits", "3", "--group-size", "32",
                "--dtype", "bfloat16", "--rounding", "cpu", "--output", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Converted " + source, "into " + out, "15 layers quantized, 0 kept",
                "3-bit affine, group 32, bfloat16 scales, cpu rounding", "compression");
        try (ModelDirectory model = ModelDirectory.open(out)) {
            assertThat(model.quantizedLayers()).hasSize(15);
        }

        CliRun again = CliRun.of("convert", "--source", source.toString(), "--bits", "3", "--group-size", "32",
                "--dtype", "bfloat16", "--rounding", "cpu", "--output", out.toString());
        assertThat(again.out()).startsWith("Kept the existing conversion in " + out);
    }

    @Test
    void convertsAnEntryOfAModelsFile() throws IOException {
        TinyBert.builder().write(dir.resolve("models/hf/tiny"));
        Path config = Files.createDirectories(dir.resolve("config")).resolve("models.yaml");
        Files.writeString(config, """
                models:
                  - name: tiny
                    source: models/hf/tiny
                    bits: 8
                    group_size: 32
                    target_size_mb: 0.01
                """);
        Path out = dir.resolve("out");
        CliRun run = CliRun.of("convert", "--model", "tiny", "--config", config.toString(), "--output", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("8-bit affine, group 32, float16 scales, gpu rounding", "MISSES the target");
    }

    @Test
    void unsupportedBitsAreAClearError() throws IOException {
        Path source = TinyBert.builder().write(dir.resolve("tiny"));
        CliRun run = CliRun.of("convert", "--source", source.toString(), "--bits", "7", "--output",
                dir.resolve("out").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("quantcheck convert: bits 7 is not supported by affine quantization; use one "
                + "of [2, 3, 4, 5, 6, 8]" + System.lineSeparator());
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void modelAndSourceAreMutuallyExclusive() {
        CliRun run = CliRun.of("convert", "--model", "a", "--source", "b");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("mutually exclusive");
    }
}

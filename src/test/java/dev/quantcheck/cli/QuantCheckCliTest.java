package dev.quantcheck.cli;

import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.ChildJvm;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class QuantCheckCliTest {
    @Test
    void helpListsEveryCommand() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: quantcheck", "import-onnx", "help");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : QuantCheckCli.commandLine().getSubcommands().keySet()) {
            if (command.equals("help")) {
                continue;
            }
            CliRun run = CliRun.of(command, "--help");
            assertThat(run.exitCode()).as(command).isZero();
            assertThat(run.out()).as(command).startsWith("Usage: quantcheck " + command);
        }
    }

    @Test
    void versionNamesTheBuild() {
        CliRun run = CliRun.of("--version");
        assertThat(run.out()).containsPattern("quantcheck \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        CliRun run = CliRun.of("frobnicate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unmatched argument");
    }

    @Test
    void badInputsAndOutputsOfEmbedAreNamedWithTheFix(@TempDir Path dir) throws IOException {
        Path model = TinyBert.builder().write(dir.resolve("tiny"));
        Path texts = Files.writeString(dir.resolve("texts.txt"), "a man is playing a guitar\n");
        Path binary = Files.write(dir.resolve("weights.bin"), new byte[] {1, 2, 0, (byte) 0xFF});
        Path folderNamedNpy = Files.createDirectories(dir.resolve("x.npy"));

        CliRun binaryCorpus = CliRun.of("embed", "--model", model.toString(), "--texts", binary.toString(),
                "--output", dir.resolve("out.npy").toString());
        CliRun folderCorpus = CliRun.of("embed", "--model", model.toString(), "--texts", dir.toString(),
                "--output", dir.resolve("out.npy").toString());
        CliRun folderOutput = CliRun.of("embed", "--model", model.toString(), "--texts", texts.toString(),
                "--output", folderNamedNpy.toString());

        assertThat(binaryCorpus.exitCode()).isEqualTo(1);
        assertThat(binaryCorpus.err()).contains(binary + " line 1, byte offset 2: a NUL byte; this looks like a binary "
                + "file, not text. Fix: ");
        assertThat(folderCorpus.err()).contains(dir + " is a folder, not a corpus file. Fix: ");
        assertThat(folderOutput.exitCode()).isEqualTo(1);
        assertThat(folderOutput.err()).contains("cannot write the file " + folderNamedNpy + ": it is a folder. Fix: "
                + "name a file");
        assertThat(folderNamedNpy).isEmptyDirectory();
    }

    @Test
    void aMissingFileIsNamedWithWhatWentWrong(@TempDir Path dir) {
        Path missing = dir.resolve("model.onnx");
        CliRun run = CliRun.of("import-onnx", "--onnx", missing.toString(), "--tokenizer", missing.toString(),
                "--output", dir.resolve("out").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("quantcheck import-onnx: " + missing + ": no such file or folder. Fix: check "
                + "the path and its permissions" + System.lineSeparator());
    }

    @Test
    void runningOutOfHeapGivesAdviceNotAStackTrace(@TempDir Path dir) throws Exception {
        Path texts = Files.writeString(dir.resolve("texts.txt"), "a man is playing a guitar\n");
        ChildJvm.Result run = ChildJvm.of(QuantCheckCli.class).jvmArgs("-Xmx32m")
                .run("embed", "--model", BuiltinModels.miniLm().toString(), "--texts", texts.toString(),
                        "--output", dir.resolve("out.npy").toString());

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("quantcheck embed: out of memory (Java heap space) with a maximum heap of ",
                "Fix: give the JVM more memory, e.g. QUANTCHECK_JAVA_OPTS=-Xmx")
                .doesNotContain("\tat ");
    }
}

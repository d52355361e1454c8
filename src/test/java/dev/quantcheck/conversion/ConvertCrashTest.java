package dev.quantcheck.conversion;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantcheck.cli.QuantCheckCli;
import dev.quantcheck.format.AtomicFiles;
import dev.quantcheck.format.ContentHash;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.OutputLock;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.ChildJvm;
import dev.quantcheck.testing.KillTrials;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 at random moments of a {@code convert} in a child JVM, and two {@code convert}s racing for one output: the
 * output is always absent, the old complete conversion or the new complete one, and what a killed writer leaves
 * beside it is only its own temporary, which the next write removes.
 */
class ConvertCrashTest {
    private static final int TRIALS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aConversionKilledAnywhereLeavesTheOldOrTheNewOutputAndNothingThatLasts() throws Exception {
        // GIVEN a source big enough that writing takes a while (7 MB of float32), and its 8-bit conversion as the
        // old output; every trial converts it to 4 bits into the same output and is killed at a random moment
        Path source = TinyBert.builder().layers(2).hidden(256).intermediate(1024).heads(4)
                .write(dir.resolve("source"));
        Path outputs = Files.createDirectories(dir.resolve("outputs"));
        Path out = outputs.resolve("out");
        Path old = Converter.convert(source, dir.resolve("old"), ConversionOptions.defaults().withBits(8)
                .withGroupSize(32), true).output();
        String oldWeights = weightsHash(old);
        String newWeights = weightsHash(convertedTo4Bits(source, dir.resolve("expected")));
        ChildJvm convert = ChildJvm.of(QuantCheckCli.class).jvmArgs(ChildJvm.QUICK_START);
        String[] args = {"convert", "--source", source.toString(), "--output", out.toString(), "--bits", "4",
                "--group-size", "32", "--no-skip"};
        KillTrials trials = new KillTrials(convert, out, args).calibrate();

        List<String> states = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            AtomicFiles.deleteRecursively(out);
            if (trial % 5 != 4) { // some trials start with no output at all
                copyTree(old, out);
            }
            trials.killOnce();

            String state = !Files.exists(out) ? "absent"
                    : weightsHash(out).equals(oldWeights) ? "old"
                    : weightsHash(out).equals(newWeights) ? "new" : "CORRUPT";
            states.add(state);
            assertThat(state).as("trial %d", trial).isNotEqualTo("CORRUPT");
            if (Files.exists(out)) {
                try (ModelDirectory complete = ModelDirectory.open(out)) {
                    assertThat(complete.conversionMetadata()).isPresent();
                }
            }
            // a killed writer can leave its own temporary and a swap backup; never more than one temporary,
            // because each write deletes those of the dead writers before it
            assertThat(trials.listing(n -> !n.equals("out"))).as("trial %d", trial)
                    .allMatch(n -> n.matches("\\.out\\.tmp-\\d+-[0-9a-f-]{36}|\\.out\\.old"));
            assertThat(trials.temporaries()).as("trial %d", trial).hasSizeLessThan(2);
        }

        System.out.printf("%d kills of convert: %d while writing; outputs found %s%n", TRIALS,
                trials.killedWhileWriting(), states);
        // THEN the kills landed all over the write, and one more conversion leaves the new output alone
        assertThat(trials.killedWhileWriting()).as("kills during the write (states %s)", states)
                .isGreaterThanOrEqualTo(TRIALS / 2);
        assertThat(states).contains("old", "new");
        ChildJvm.Result last = convert.run(args);
        assertThat(last.exitCode()).as(last.output()).isZero();
        assertThat(trials.listing(n -> true)).containsExactly("out");
        assertThat(weightsHash(out)).isEqualTo(newWeights);
    }

    @Test
    void twoConversionsIntoOneOutputExactlyOneSucceedsAndTheOtherNamesTheFolder() throws Exception {
        // GIVEN the real MiniLM, whose conversion takes seconds: long enough for a second JVM to start meanwhile
        Path source = BuiltinModels.miniLm();
        Path out = dir.resolve("out");
        ChildJvm convert = ChildJvm.of(QuantCheckCli.class);
        String[] args = {"convert", "--source", source.toString(), "--output", out.toString(), "--bits", "4",
                "--group-size", "32", "--no-skip"};

        Process first = convert.start(args);
        Path lock = OutputLock.lockFileOf(OutputLock.realPathOfPossiblyMissing(out));
        while (first.isAlive() && !(Files.exists(lock) && Files.readString(lock).startsWith("pid " + first.pid() + ","))) {
            Thread.sleep(5);
        }
        ChildJvm.Result second = convert.run(args);
        boolean overlapped = first.isAlive();
        String firstOutput = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(first.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(overlapped).as("the second convert must run while the first holds the output").isTrue();
        assertThat(first.exitValue()).as(firstOutput).isZero();
        assertThat(firstOutput).contains("Converted ");
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.output()).contains("quantcheck convert: " + out + " is being written by another quantcheck "
                + "(pid " + first.pid() + ", since ", "Nothing was changed there.").doesNotContain("Converted");
        assertThat(listing(dir)).containsExactly("out");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static Path convertedTo4Bits(Path source, Path target) throws IOException {
        Converter.convert(source, target, ConversionOptions.defaults().withBits(4).withGroupSize(32), true);
        return target;
    }

    /** The weights and config: what a conversion determines (its metadata also records the time). */
    private static String weightsHash(Path model) throws IOException {
        return ContentHash.ofFile(model.resolve("model.safetensors")) + "|"
                + JSON.readTree(model.resolve("config.json").toFile());
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

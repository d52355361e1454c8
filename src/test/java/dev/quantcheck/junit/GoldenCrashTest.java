package dev.quantcheck.junit;

import dev.quantcheck.testing.ChildJvm;
import dev.quantcheck.testing.KillTrials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 at random moments of a golden update: the golden is always absent, the old one or the new one, whole. */
class GoldenCrashTest {
    private static final int TRIALS = 15;

    @TempDir
    Path dir;

    @Test
    void aGoldenUpdateKilledAnywhereLeavesTheOldOrTheNewGoldenWhole() throws Exception {
        Path golden = dir.resolve("golden.json");
        ChildJvm update = ChildJvm.of(GoldenUpdateChild.class).jvmArgs(ChildJvm.QUICK_START);
        assertThat(update.run(golden.toString(), "1").exitCode()).isZero();
        float[] oldFirst = read(golden).vectors()[0];
        Path old = Files.copy(golden, dir.resolve("old.json"));
        KillTrials trials = new KillTrials(update, golden, golden.toString(), "2").calibrate();
        float[] newFirst = read(golden).vectors()[0];
        assertThat(newFirst).isNotEqualTo(oldFirst);

        List<String> states = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            Files.copy(old, golden, StandardCopyOption.REPLACE_EXISTING); // back to the old golden
            trials.killOnce();

            // reading checks the fingerprints and the number of vectors: a torn file fails here
            Embeddings found = read(golden);
            assertThat(found.vectors()).as("trial %d", trial).hasNumberOfRows(GoldenUpdateChild.TEXTS);
            states.add(java.util.Arrays.equals(found.vectors()[0], oldFirst) ? "old" : "new");
            assertThat(found.vectors()[0]).as("trial %d", trial).isIn(oldFirst, newFirst);
            assertThat(trials.temporaries()).as("trial %d", trial).hasSizeLessThan(2);
        }
        System.out.printf("%d kills of a golden update: %d while writing; goldens found %s%n", TRIALS,
                trials.killedWhileWriting(), states);
        assertThat(trials.killedWhileWriting()).isGreaterThanOrEqualTo(TRIALS / 2);
        assertThat(states).contains("old", "new");

        assertThat(update.run(golden.toString(), "2").exitCode()).isZero();
        assertThat(trials.listing(n -> true)).containsExactly("golden.json", "old.json");
    }

    private static Embeddings read(Path golden) {
        System.clearProperty(GoldenFile.UPDATE_PROPERTY);
        return GoldenFile.readOrWrite(golden, GoldenUpdateChild.identity(), GoldenUpdateChild.texts(), () -> {
            throw new AssertionError("not an update");
        });
    }
}

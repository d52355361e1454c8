package dev.quantcheck.junit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A golden update in its own JVM, to be killed: {@code GoldenUpdateChild FILE SEED} writes 2,000 embeddings of 384
 * values drawn from {@code SEED}, as {@code -Dquantcheck.updateGoldens=true} does in a test.
 */
final class GoldenUpdateChild {
    static final int TEXTS = 2_000;
    static final int WIDTH = 384;

    private GoldenUpdateChild() {
    }

    public static void main(String[] args) {
        System.setProperty(GoldenFile.UPDATE_PROPERTY, "true");
        System.setProperty("quantcheck.ci", "false");
        long seed = Long.parseLong(args[1]);
        GoldenFile.readOrWrite(Path.of(args[0]), identity(), texts(), () -> vectors(seed));
    }

    static GoldenFile.Identity identity() {
        return new GoldenFile.Identity("model", "tokenizer", "mean", "corpus");
    }

    static List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            texts.add("text " + i);
        }
        return texts;
    }

    static float[][] vectors(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] v = new float[TEXTS][WIDTH];
        for (float[] row : v) {
            for (int j = 0; j < WIDTH; j++) {
                row[j] = (float) random.nextDouble(-1, 1);
            }
        }
        return v;
    }
}

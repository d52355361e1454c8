package dev.quantcheck.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes each fuzz input to a new file and deletes the one before, for parsers that memory-map what they read.
 * Rewriting one file in place truncates it under every mapping that the garbage collector has not released yet,
 * and the kernel walks all of them on each truncation: a target slowed from a thousand inputs a second to a hundred.
 */
public final class FreshFiles {
    private final Path folder;
    private final String suffix;
    private long count;
    private Path last;

    /** Files in {@code folder} named {@code 1-<suffix>}, {@code 2-<suffix>}... */
    public FreshFiles(Path folder, String suffix) {
        this.folder = folder;
        this.suffix = suffix;
    }

    public Path write(byte[] content) throws IOException {
        if (last != null) {
            Files.delete(last);
        }
        last = Files.write(folder.resolve(++count + "-" + suffix), content);
        return last;
    }
}

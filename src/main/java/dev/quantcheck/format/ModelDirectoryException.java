package dev.quantcheck.format;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model directory is missing a file or contradicts itself. The message names the file, what is wrong and how to
 * fix it: {@code "<file>: <problem>. Fix: <fix>"}.
 */
public class ModelDirectoryException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Path file;

    public ModelDirectoryException(Path file, String problem, String fix) {
        super(file + ": " + problem + ". Fix: " + fix + ".");
        this.file = file;
    }

    /** The file at fault (or the one that should exist). */
    public Path file() {
        return file;
    }
}

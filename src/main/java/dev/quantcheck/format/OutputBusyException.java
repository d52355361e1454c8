package dev.quantcheck.format;

import java.io.IOException;
import java.nio.file.Path;

/** Another writer holds the {@link OutputLock} of an output: nothing was changed there. */
public final class OutputBusyException extends IOException {
    private final Path output;

    OutputBusyException(Path output, String holder) {
        super(output + " is being written by another quantcheck (" + holder + "). Nothing was changed there. "
                + "Fix: wait for that run to finish, or choose another output");
        this.output = output;
    }

    /** The output another writer holds. */
    public Path output() {
        return output;
    }
}

package dev.quantcheck.models;

import dev.quantcheck.QuantCheck;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.onnx.BuiltinMiniLm;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The models quantcheck ships with: all-MiniLM-L6-v2, imported on first need from the ONNX file inside its Maven
 * artifact into {@code models/hf/all-minilm-l6-v2} under {@link QuantCheck#home()}.
 *
 * <p>Safe to call from several threads and several JVMs at once: the import runs under a file lock and lands
 * with an atomic rename, so callers see either no folder or a complete one.
 */
public final class BuiltinModels {
    /** The name of the built-in MiniLM, as {@code config/models.yaml} and the CLI spell it. */
    public static final String MINILM = "all-minilm-l6-v2";

    private BuiltinModels() {
    }

    /** {@code <home>/models}: where imported and converted models live (git-ignored). */
    public static Path modelsRoot() {
        return QuantCheck.home().resolve("models");
    }

    /** {@code <home>/models/hf/all-minilm-l6-v2}, without creating it. */
    public static Path miniLmPath() {
        return modelsRoot().resolve("hf").resolve(MINILM);
    }

    /** The fp32 MiniLM model folder, imported from the Maven artifact if it is not there yet. */
    @SuppressWarnings("try") // the lock is held for the block's duration, never read
    public static Path miniLm() throws IOException {
        Path target = miniLmPath();
        if (isComplete(target)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path lockFile = target.resolveSibling("." + MINILM + ".lock");
        synchronized (BuiltinModels.class) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (!isComplete(target)) {
                    BuiltinMiniLm.importTo(target);
                }
            }
        }
        return target;
    }

    private static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(ModelDirectory.CONFIG))
                && Files.isRegularFile(dir.resolve("model.safetensors"))
                && Files.isRegularFile(dir.resolve(ModelDirectory.TOKENIZER));
    }
}

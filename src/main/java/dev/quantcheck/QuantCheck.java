package dev.quantcheck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Facts about this quantcheck installation: its version, where default models live, and the process-wide settings
 * that must be in place before any third-party library runs.
 */
public final class QuantCheck {
    /** System property naming the folder that holds {@code models/}; the launcher sets it to the project root. */
    public static final String HOME_PROPERTY = "quantcheck.home";

    private static final String VERSION = readVersion();

    private QuantCheck() {
    }

    /** The version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    /** The folder under which {@code models/} lives: {@code -Dquantcheck.home}, else the working directory. */
    public static Path home() {
        return Path.of(System.getProperty(HOME_PROPERTY, "")).toAbsolutePath();
    }

    /**
     * Switches off DJL's usage tracking and online lookups. DJL's tokenizer opens connections to a cloud metadata
     * address on first use unless these are set, and this project never opens a connection. Idempotent; call
     * before the first use of any DJL class (the tokenizer wrapper does).
     */
    public static void keepDjlOffline() {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
    }

    private static String readVersion() {
        Properties p = new Properties();
        try (InputStream in = QuantCheck.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }
}

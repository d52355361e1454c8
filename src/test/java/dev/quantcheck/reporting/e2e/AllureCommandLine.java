package dev.quantcheck.reporting.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Allure's report generator (the {@code allure-commandline} distribution, unpacked from Maven Central by the build),
 * run as a user runs it: {@code allure generate --single-file}, one HTML file that opens from disk, offline.
 */
final class AllureCommandLine {
    private final Path home;

    AllureCommandLine(Path home) {
        this.home = home;
    }

    /** Turns {@code results} into {@code report/index.html}; the generator's output goes to {@code log}. */
    Path generate(Path results, Path report, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("sh", home.resolve("bin/allure").toString(),
                "generate", "--single-file", "--clean", "-o", report.toString(), results.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // The generator sends usage statistics and its page loads Google's tag script unless told not to
        // (allure2 Analytics.md); the page only drops the script for "true", not for "1".
        builder.environment().put("ALLURE_NO_ANALYTICS", "true");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("allure generate took over 3 minutes; its output: " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("allure generate failed (exit " + process.exitValue() + "):\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return report.resolve("index.html");
    }
}

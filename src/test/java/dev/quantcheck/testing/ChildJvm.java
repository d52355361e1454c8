package dev.quantcheck.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM on the test class path: for what one process cannot show about itself (a kill -9 mid-write, two
 * processes on one output, a small heap, a system property read at start-up).
 *
 * <pre>{@code
 * ChildJvm.Result r = ChildJvm.of(QuantCheckCli.class).jvmArgs("-Xmx48m").run("embed", "--model", dir.toString());
 * }</pre>
 */
public final class ChildJvm {
    /**
     * Flags for a short-lived child, started many times: C1 only and the serial collector start a JVM in about half
     * the CPU, and the work of a crash trial is too short for C2 to pay off.
     */
    public static final String[] QUICK_START = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"};

    private final String mainClass;
    private final List<String> jvmArgs = new ArrayList<>();

    private ChildJvm(String mainClass) {
        this.mainClass = mainClass;
    }

    public static ChildJvm of(Class<?> mainClass) {
        return new ChildJvm(mainClass.getName());
    }

    public ChildJvm jvmArgs(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /** The command line: this JVM's java, the given JVM flags, the test class path, the main class and its args. */
    public List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** Starts it with stdout and stderr merged. */
    public Process start(String... args) throws IOException {
        return new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    }

    /** Runs it to the end (at most two minutes) and returns its exit code and output. */
    public Result run(String... args) throws IOException, InterruptedException {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in two minutes: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    /** What a finished child printed (stdout and stderr together) and how it exited. */
    public record Result(int exitCode, String output) {
    }
}

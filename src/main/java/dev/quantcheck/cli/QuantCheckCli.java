package dev.quantcheck.cli;

import dev.quantcheck.QuantCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** The {@code quantcheck} command line: one subcommand per job. */
@Command(name = "quantcheck",
        mixinStandardHelpOptions = true,
        versionProvider = QuantCheckCli.Version.class,
        description = "Prove that a quantized encoder model is still the model you shipped.",
        subcommands = {
                ImportOnnxCommand.class,
                ConvertCommand.class,
                InspectCommand.class,
                EmbedCommand.class,
                CompareCommand.class,
                BenchCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class
        })
public final class QuantCheckCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code: 0 success, 1 failure, 2 bad usage. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured picocli command line, also used by tests to capture output. */
    public static CommandLine commandLine() {
        QuantCheck.keepDjlOffline();
        CommandLine cli = new CommandLine(new QuantCheckCli());
        cli.setExecutionExceptionHandler(QuantCheckCli::handle);
        cli.setExecutionStrategy(QuantCheckCli::runReportingOutOfMemory);
        return cli;
    }

    /**
     * Runs the command; running out of heap is a setting to change, not a bug, so it gets advice instead of a stack
     * trace (it is an Error, which picocli's exception handler never sees).
     */
    private static int runReportingOutOfMemory(CommandLine.ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (OutOfMemoryError e) {
            CommandLine cli = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
            PrintWriter err = cli.getErr();
            err.printf("quantcheck %s: out of memory (%s) with a maximum heap of %d MB. Fix: give the JVM more memory, "
                    + "e.g. QUANTCHECK_JAVA_OPTS=-Xmx%dm ./quantcheck ..., or process fewer or shorter texts at once "
                    + "(embed: --batch-size, --max-length; compare and demo: --limit)%n", cli.getCommandName(),
                    e.getMessage(), maxHeapMb(), 2 * maxHeapMb());
            err.flush();
            return 1;
        }
    }

    private static long maxHeapMb() {
        return Runtime.getRuntime().maxMemory() / (1024 * 1024);
    }

    /** Expected failures (bad files, bad input) print their message alone; anything else keeps its stack trace. */
    private static int handle(Exception thrown, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        Exception e = thrown instanceof UncheckedIOException u ? u.getCause() : thrown;
        if (e instanceof FileSystemException f) {
            err.println("quantcheck " + cli.getCommandName() + ": " + describe(f));
        } else if (e instanceof IOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            err.println("quantcheck " + cli.getCommandName() + ": " + e.getMessage());
        } else {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** The JDK's file errors carry only the path: say what went wrong and what to do. */
    private static String describe(FileSystemException e) {
        String problem = e instanceof NoSuchFileException ? "no such file or folder"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NotDirectoryException ? "not a folder"
                : e instanceof FileAlreadyExistsException ? "already exists"
                : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        return e.getFile() + (e.getOtherFile() == null ? "" : " -> " + e.getOtherFile()) + ": " + problem
                + ". Fix: check the path and its permissions";
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"quantcheck " + QuantCheck.version(),
                    "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}

package dev.quantcheck.cli;

import dev.quantcheck.QuantCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;

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
        return cli;
    }

    /** Expected failures (bad files, bad input) print their message alone; anything else keeps its stack trace. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            err.println("quantcheck " + cli.getCommandName() + ": " + e.getMessage());
        } else {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
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

package dev.quantcheck.fuzz;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Fuzzes one {@code @FuzzTest} for a number of seconds: {@code JAZZER_FUZZ=1 java -cp ... FuzzLauncher
 * dev.quantcheck.fuzz.SafetensorsFuzzTest#safetensorsFile 60}. fuzz/run.sh calls it once per target, because Jazzer
 * fuzzes one test per JVM, and a plain JVM starts in a second where a Maven run per target would take ten or more.
 * Exits 0 when the target ran its time without a finding; a finding is written to the target's inputs folder.
 */
public final class FuzzLauncher {
    private FuzzLauncher() {
    }

    public static void main(String[] args) {
        if (args.length != 2 || !args[0].contains("#")) {
            System.err.println("usage: FuzzLauncher <test class>#<method> <seconds>");
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(args[0] + "(byte[])"))
                // libFuzzer's arguments: the first is its program name; the last -max_total_time wins over
                // the annotation's maxDuration
                .configurationParameter("jazzer.internal.arg.0", "fuzz")
                .configurationParameter("jazzer.internal.arg.1", "-max_total_time=" + Integer.parseInt(args[1]))
                .configurationParameter("jazzer.internal.arg.2", "-print_final_stats=1")
                // Jazzer turns each test's @Timeout into its per-input timeout; JUnit's own would apply it to the
                // whole fuzzing run (jazzer issue 930)
                .configurationParameter("junit.jupiter.execution.timeout.mode", "disabled")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        TestExecutionSummary result = summary.getSummary();
        result.printFailuresTo(new PrintWriter(System.err, true), 40);
        boolean passed = result.getTestsFailedCount() == 0 && result.getTestsSucceededCount() > 0;
        System.exit(passed ? 0 : 1);
    }
}

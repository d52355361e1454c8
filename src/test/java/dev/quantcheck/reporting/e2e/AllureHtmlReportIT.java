package dev.quantcheck.reporting.e2e;

import dev.quantcheck.format.AtomicFiles;
import dev.quantcheck.reporting.e2e.AllureResultsFolder.Plot;
import dev.quantcheck.reporting.e2e.AllureResultsFolder.TestResult;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The report a team opens, end to end: the examples (which {@code mvn verify} runs just before, on the real MiniLM)
 * leave Allure results; Allure's generator turns them into the HTML report; headless Chromium opens it. Every
 * quantcheck test must be listed with its status, with its parameters and metrics at the values the test computed,
 * and with its plots displayed at their size. Screenshots stay in {@code target/allure-e2e} as build artifacts.
 *
 * <p>Runs when the tools are there: the generator is unpacked by the build ({@code -Dquantcheck.allure.home}),
 * Chromium and chromedriver are Debian's. {@code .ci/run} installs them and sets {@code QUANTCHECK_E2E=required}, so
 * that in CI a missing tool fails the build instead of skipping the check.
 */
class AllureHtmlReportIT {
    /** The examples' results; {@code -Dquantcheck.e2e.results=results/demo/allure-results} checks the demo's. */
    static final Path RESULTS = Path.of(System.getProperty("quantcheck.e2e.results", "examples/target/allure-results"));
    static final Path OUT = Path.of("target", "allure-e2e");
    static final List<String> METRICS = List.of("mean_cosine", "min_cosine", "p01_cosine", "mse", "max_abs_diff",
            "spearman");

    @Test
    void theReportShowsEveryQuantcheckTestWithItsMetricsAndPlots(@TempDir Path chromiumProfile) throws Exception {
        Path allure = required(allureHome(), "Allure's generator (-Dquantcheck.allure.home) is needed: run through"
                + " `mvn verify`, which unpacks io.qameta.allure:allure-commandline into target/");
        HeadlessChromium configured = HeadlessChromium.configured();
        HeadlessChromium chromium = required(configured.installed(), configured.whatIsNeeded());
        List<TestResult> tests = AllureResultsFolder.quantcheckResults(RESULTS);
        List<TestResult> comparisons = tests.stream().filter(t -> t.parameters().containsKey("mean_cosine")).toList();
        // what the page must then show, so that the check cannot pass on a report with nothing in it
        assertThat(comparisons)
                .as("quantcheck comparisons in %s", RESULTS)
                .isNotEmpty()
                .allSatisfy(t -> {
                    assertThat(t.parameters()).containsKeys(METRICS.toArray(String[]::new));
                    // the scatter is named after its corpus: STS pairs with human scores, or any texts' pairs
                    assertThat(t.plots()).extracting(Plot::name).contains("cosine histogram.png")
                            .containsAnyOf("pairwise similarities.png", "STS similarities.png");
                });

        AtomicFiles.deleteRecursively(OUT);
        Files.createDirectories(OUT);
        Path report = new AllureCommandLine(allure)
                .generate(RESULTS, OUT.resolve("allure-report"), OUT.resolve("allure-generate.log"));
        assertThat(Files.readString(report, StandardCharsets.UTF_8))
                .as("the report loads no analytics script").doesNotContain("googletagmanager");

        try (AllureReportPage page = AllureReportPage.open(chromium, report, chromiumProfile,
                OUT.resolve("chromedriver.log"))) {
            assertThat(page.testNames()).as("tests in the Suites tree")
                    .containsAll(tests.stream().map(TestResult::name).toList());
            page.screenshot(OUT.resolve("suites.png"));

            SoftAssertions softly = new SoftAssertions();
            for (TestResult test : tests) {
                page.openTest(test.name());
                softly.assertThat(page.status()).as("status of %s", test.name()).isEqualToIgnoringCase(test.status());
                softly.assertThat(page.parameters()).as("parameters of %s", test.name())
                        .containsAllEntriesOf(test.parameters());
                for (Plot plot : test.plots()) {
                    softly.assertThat(page.showImage(plot.name())).as("%s of %s", plot.name(), test.name())
                            .isEqualTo(new Dimension(plot.width(), plot.height()));
                }
                if (!test.plots().isEmpty()) {
                    page.screenshot(OUT.resolve(fileName(test.name()) + ".png"));
                }
            }
            List<String> requests = page.requestedUrls();
            softly.assertThat(requests).as("the page's requests (Chromium's network log)").isNotEmpty();
            softly.assertThat(requests).as("requests that would leave the machine")
                    .filteredOn(url -> url.matches("(?i)(https?|wss?|ftp):.*"))
                    .isEmpty();
            softly.assertAll();
        }
    }

    private static Optional<Path> allureHome() {
        return Optional.ofNullable(System.getProperty("quantcheck.allure.home")).map(Path::of)
                .filter(home -> Files.isRegularFile(home.resolve("bin/allure")));
    }

    /** The tool, or: a skipped check where it is optional, a failure where {@code QUANTCHECK_E2E=required}. */
    private static <T> T required(Optional<T> tool, String whatIsNeeded) {
        if (tool.isPresent()) {
            return tool.get();
        }
        if ("required".equals(System.getenv("QUANTCHECK_E2E"))) {
            return fail(whatIsNeeded + " (QUANTCHECK_E2E=required)");
        }
        Assumptions.abort(whatIsNeeded);
        throw new AssertionError("unreachable");
    }

    private static String fileName(String testName) {
        return testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}

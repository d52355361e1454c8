package dev.quantcheck.reporting.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An Allure 2 HTML report open in headless Chromium, driven through chromedriver the way a person reads it: the
 * Suites tree, a test's pane with its parameters, its attachments expanded one by one.
 *
 * <p>Chromium starts with a new, empty profile and with its own background traffic switched off (the machines have
 * no network; without these flags it tries many connections at every start). Every request the page makes is logged,
 * so a test can show that the report needs nothing from outside.
 */
final class AllureReportPage implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Selenium looks for a DevTools binding matching the browser and warns when it has none; we do not use it. */
    private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    private final ChromeDriver driver;
    private final WebDriverWait wait;

    private AllureReportPage(ChromeDriver driver) {
        this.driver = driver;
        // the report re-renders parts of the page as it goes; an element read mid-render is simply looked up again
        this.wait = (WebDriverWait) new WebDriverWait(driver, PATIENCE).ignoring(StaleElementReferenceException.class);
    }

    /** Opens {@code report} (a single-file report's index.html) on its Suites tab. */
    static AllureReportPage open(HeadlessChromium chromium, Path report, Path profile, Path driverLog) {
        CDP_LOG.setLevel(Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.browser().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1600,2400");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL"));
        // the driver is given, so Selenium Manager (which would download one) never runs
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromium.driver().toFile())
                .withLogFile(driverLog.toFile())
                .build();
        AllureReportPage page = new AllureReportPage(new ChromeDriver(service, options));
        page.driver.get(report.toAbsolutePath().toUri() + "#suites");
        page.wait.until(d -> !d.findElements(By.cssSelector(".node__leaf")).isEmpty());
        return page;
    }

    /** The names of the tests in the Suites tree, every group expanded. */
    List<String> testNames() {
        // a click re-renders the tree, so look for the next collapsed group afresh each time
        for (Optional<WebElement> group = collapsedGroup(); group.isPresent(); group = collapsedGroup()) {
            int shown = shownLeaves().size();
            group.get().click();
            wait.until(d -> shownLeaves().size() > shown);
        }
        return shownLeaves().stream().map(leaf -> leaf.getText().trim()).toList();
    }

    private Optional<WebElement> collapsedGroup() {
        return driver.findElements(By.cssSelector(".node:not(.node__leaf)")).stream()
                .filter(group -> group.findElements(By.cssSelector(".node__leaf")).stream()
                        .noneMatch(WebElement::isDisplayed))
                .map(group -> group.findElement(By.cssSelector(".node__title")))
                .findFirst();
    }

    private List<WebElement> shownLeaves() {
        return driver.findElements(By.cssSelector(".node__leaf .node__name")).stream()
                .filter(WebElement::isDisplayed)
                .toList();
    }

    /** Opens the test called {@code name} in the right-hand pane. */
    void openTest(String name) {
        WebElement leaf = driver.findElements(By.cssSelector(".node__leaf")).stream()
                .filter(l -> l.findElement(By.cssSelector(".node__name")).getText().trim().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no test called \"" + name + "\" in the Suites tree"));
        leaf.click();
        wait.until(d -> d.findElements(By.cssSelector(".test-result__name")).stream()
                .anyMatch(e -> e.getText().trim().equals(name)));
    }

    /** The open test's status as the pane shows it ("Passed"). */
    String status() {
        return driver.findElement(By.cssSelector(".test-result__status")).getText().trim();
    }

    /** The open test's parameters, as the pane lists them (name: value). */
    Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (WebElement row : driver.findElements(By.cssSelector(".test-result-overview__before .environment"))) {
            String key = row.findElement(By.cssSelector(".environment__key")).getText().trim();
            String text = row.getText().trim();
            parameters.put(key, text.substring(text.indexOf(':') + 1).trim());
        }
        return parameters;
    }

    /**
     * Expands the open test's image attachment called {@code name} (opening the steps around it) and waits until the
     * browser has decoded it; returns the size it decoded.
     */
    Dimension showImage(String name) {
        WebElement row = driver.findElements(By.cssSelector(".test-result-overview__execution .attachment-row"))
                .stream()
                .filter(r -> r.findElement(By.cssSelector(".attachment-row__name")).getDomProperty("textContent").trim()
                        .equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no attachment called \"" + name + "\" in the open test"));
        for (WebElement stepTitle : row.findElements(By.xpath("ancestor::div[contains(concat(' ',@class,' '),' step ')"
                + " and not(contains(@class,'step_expanded'))]/div[contains(@class,'step__title')]"))) {
            scrollTo(stepTitle).click();
        }
        scrollTo(row).click();
        WebElement image = wait.until(d -> row.findElement(By.xpath("following-sibling::div"
                + "[contains(@class,'attachment-row__preview')]")).findElements(By.cssSelector("img")).stream()
                .filter(i -> decodedWidth(i) > 0)
                .findFirst()
                .orElse(null));
        return new Dimension(decodedWidth(image), ((Number) js("return arguments[0].naturalHeight", image)).intValue());
    }

    /** A picture of the page as it stands; with a test open, its pane from the top (status, parameters, plots). */
    void screenshot(Path png) throws IOException {
        driver.findElements(By.cssSelector(".test-result")).forEach(this::scrollTo);
        Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
    }

    /** Every URL the page has requested so far (Chromium's network log), the report itself included. */
    List<String> requestedUrls() throws IOException {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = JSON.readTree(entry.getMessage()).path("message");
            if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
                urls.add(message.path("params").path("request").path("url").asText());
            }
        }
        return urls;
    }

    @Override
    public void close() {
        driver.quit();
    }

    private int decodedWidth(WebElement image) {
        return ((Number) js("return arguments[0].complete ? arguments[0].naturalWidth : 0", image)).intValue();
    }

    private WebElement scrollTo(WebElement element) {
        js("arguments[0].scrollIntoView({block: 'start'})", element);
        return element;
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }
}

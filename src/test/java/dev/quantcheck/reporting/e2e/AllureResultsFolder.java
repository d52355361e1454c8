package dev.quantcheck.reporting.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The quantcheck test results in a folder of raw Allure results, read the way Allure's generator reads them: what the
 * HTML report must then show. Only results labelled {@code epic = quantcheck} count.
 */
final class AllureResultsFolder {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A plot attached to a result, with the size the report must show it at. */
    record Plot(String name, int width, int height) {
    }

    /** One test result: its name and status, its parameters (metrics among them) and its plots. */
    record TestResult(String name, String status, Map<String, String> parameters, List<Plot> plots) {
    }

    private AllureResultsFolder() {
    }

    static List<TestResult> quantcheckResults(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("no Allure results in " + folder.toAbsolutePath()
                    + ": the examples write them when `mvn verify` runs them (examples/invoker.properties)");
        }
        List<TestResult> results = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-result.json")).sorted().toList()) {
                JsonNode result = JSON.readTree(file.toFile());
                if (hasLabel(result, "epic", "quantcheck")) {
                    results.add(read(folder, result));
                }
            }
        }
        return results;
    }

    private static TestResult read(Path folder, JsonNode result) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (JsonNode p : result.path("parameters")) {
            // allure-jupiter's own UniqueId is hidden in the report
            if (!"hidden".equals(p.path("mode").asText())) {
                parameters.put(p.path("name").asText(), p.path("value").asText());
            }
        }
        List<Plot> plots = new ArrayList<>();
        collectPlots(folder, result, plots);
        return new TestResult(result.path("name").asText(), result.path("status").asText(), parameters, plots);
    }

    /** PNG attachments of the result and of its steps, at any depth. */
    private static void collectPlots(Path folder, JsonNode node, List<Plot> plots) {
        for (JsonNode a : node.path("attachments")) {
            if ("image/png".equals(a.path("type").asText())) {
                BufferedImage image = readImage(folder.resolve(a.path("source").asText()));
                plots.add(new Plot(a.path("name").asText(), image.getWidth(), image.getHeight()));
            }
        }
        for (JsonNode step : node.path("steps")) {
            collectPlots(folder, step, plots);
        }
    }

    private static BufferedImage readImage(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            if (image == null) {
                throw new IllegalStateException(png + " is not an image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasLabel(JsonNode result, String name, String value) {
        for (JsonNode label : result.path("labels")) {
            if (name.equals(label.path("name").asText()) && value.equals(label.path("value").asText())) {
                return true;
            }
        }
        return false;
    }
}

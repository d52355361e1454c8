package dev.quantcheck.reporting;

import dev.quantcheck.diagnosis.DiagnosisReport;
import dev.quantcheck.diagnosis.LayerDiagnosis;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.junit.QuantCheckTest;
import dev.quantcheck.junit.QuantizedModel;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.corpus.Corpora;
import dev.quantcheck.corpus.TextCorpus;
import dev.quantcheck.testing.BuiltinTexts;
import dev.quantcheck.testing.StsData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each chart drawn from what the real code paths produce: the MiniLM q4 (groups of 32) against the fp32 original
 * on the first 40 texts of the built-in corpus (and 20 STS pairs where the STS Benchmark is there), and its layer
 * diagnosis. The PNGs are also written to
 * {@code target/quantcheck-plots/} to be looked at.
 */
@QuantCheckTest
class PlotsTest {
    static final Path OUT = Path.of("target", "quantcheck-plots");

    @QuantizedModel(model = "all-minilm-l6-v2", bits = 4)
    static Encoder q4;

    static Encoder fp32;
    static List<String> texts;
    static float[][] reference;
    static float[][] candidate;
    static EmbeddingComparison comparison;

    @BeforeAll
    static void compare() throws IOException {
        fp32 = Encoder.load(BuiltinModels.miniLm());
        texts = BuiltinTexts.first(40);
        reference = fp32.embed(texts);
        candidate = q4.embed(texts);
        comparison = EmbeddingComparison.of(texts, reference, candidate);
    }

    @AfterAll
    static void close() throws IOException {
        fp32.close();
    }

    @Test
    void cosineHistogramIsAPngAndAnSvgWithTheThresholdNamed() throws IOException {
        Plot plot = Plots.cosineHistogram(comparison, 0.92, "min cosine gate");

        assertIsChart(plot, "cosine-histogram");
        assertThat(texts(plot)).contains("Per-text cosine similarity", "min cosine gate 0.9200", "40 texts");
    }

    @Test
    void aGateFarFromEveryTextIsNamedButKeepsTheTextsReadable() throws IOException {
        Plot plot = Plots.cosineHistogram(comparison, 0.5, "min cosine gate");

        assertThat(texts(plot)).contains("0 below min cosine gate 0.5000 (left of the axis)");
        Files.createDirectories(OUT);
        Files.write(OUT.resolve("cosine-histogram-far-gate.png"), plot.png());
    }

    @Test
    void pairwiseScatterDrawsEveryPairOfFortyTexts() throws IOException {
        Plot plot = Plots.similarityScatter(comparison, reference, candidate);

        assertIsChart(plot, "similarity-scatter");
        assertThat(texts(plot)).contains("Pairwise similarities", "780 pairs of 40 texts; 780 pairs drawn");
    }

    @Test
    @Tag(StsData.TAG)
    void stsScatterPlotsHumanScoresAgainstBothModels() throws IOException {
        StsData.assumePresent();
        TextCorpus pairs = Corpora.sts(StsData.FILE, 20);
        float[][] stsReference = fp32.embed(pairs.texts());
        float[][] stsCandidate = q4.embed(pairs.texts());
        EmbeddingComparison sts = pairs.compare(stsReference, stsCandidate);

        Plot plot = Plots.similarityScatter(sts, stsReference, stsCandidate);

        assertIsChart(plot, "sts-scatter");
        assertThat(texts(plot)).contains("STS pairs: human score vs model similarity", "20 pairs;");
    }

    @Test
    void layerErrorsChartOfARealDiagnosis() throws IOException {
        DiagnosisReport report = LayerDiagnosis.run(fp32, q4, texts.subList(0, 8));

        Plot plot = Plots.layerErrors(report);

        assertIsChart(plot, "layer-errors");
        assertThat(texts(plot)).contains("Where the error enters", "layer 5", "error enters mostly at");
    }

    @Test
    void aComparisonWithNaNStillDraws() throws IOException {
        float[][] broken = candidate.clone();
        broken[3] = broken[3].clone();
        broken[3][0] = Float.NaN;
        EmbeddingComparison c = EmbeddingComparison.of(texts, reference, broken);

        Plot histogram = Plots.cosineHistogram(c, 0.99, "EXCELLENT band above");
        Plot scatter = Plots.similarityScatter(c, reference, broken);

        assertThat(texts(histogram)).contains("1 NaN (not drawn)");
        assertThat(decode(histogram.png()).getWidth()).isEqualTo(Plots.WIDTH);
        assertThat(decode(scatter.png()).getWidth()).isEqualTo(Plots.WIDTH);
    }

    private static void assertIsChart(Plot plot, String name) throws IOException {
        assertThat(plot.name()).isEqualTo(name);
        assertThat(plot.png()).startsWith(Plot.PNG_SIGNATURE);
        assertThat(plot.png().length).isBetween(10_000, 2_000_000);
        BufferedImage image = decode(plot.png());
        assertThat(image.getWidth()).isEqualTo(Plots.WIDTH);
        assertThat(image.getHeight()).isEqualTo(Plots.HEIGHT);
        assertThat(plot.svg().contains("<svg ") && plot.svg().strip().endsWith("</svg>")).as("an SVG document").isTrue();
        Files.createDirectories(OUT);
        Files.write(OUT.resolve(name + ".png"), plot.png());
        Files.write(OUT.resolve(name + ".svg"), plot.svgBytes());
    }

    /** The SVG's text elements, joined by spaces (a subtitle may wrap onto two). */
    static String texts(Plot plot) {
        StringBuilder s = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(">([^<>]+)</text>").matcher(plot.svg());
        while (m.find()) {
            s.append(m.group(1)).append(' ');
        }
        return s.toString();
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }
}

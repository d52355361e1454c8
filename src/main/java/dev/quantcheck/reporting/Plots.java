package dev.quantcheck.reporting;

import dev.quantcheck.diagnosis.DiagnosisReport;
import dev.quantcheck.diagnosis.LayerError;
import dev.quantcheck.metrics.Cosine;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.StsCorrelation;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The charts of a quantcheck report, as PNG and SVG, rendered without a display.
 *
 * <pre>{@code
 * Plot h = Plots.cosineHistogram(comparison, 0.98, "min cosine gate");
 * Files.write(Path.of("cosine.png"), h.png());
 * }</pre>
 *
 * <p>Sets {@code java.awt.headless=true} unless the property is already set, before AWT is first touched. Thread-safe:
 * every call builds its own chart.
 */
public final class Plots {
    /** Pixel size of every chart. */
    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;
    /** The scatter draws at most this many text pairs, a fixed-seed sample above. */
    public static final int MAX_SCATTER_POINTS = 4_000;
    static final long SAMPLE_SEED = 42;

    private static final Color REFERENCE = new Color(0x1f77b4);
    private static final Color CANDIDATE = new Color(0xff7f0e);
    private static final Color GATE = new Color(0xd62728);
    private static final Color GRID = new Color(0xdddddd);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plots() {
    }

    // ---------------------------------------------------------------- cosine histogram

    /**
     * The per-text cosine similarities of {@code comparison} as a histogram, with {@code threshold} drawn as a red
     * line named {@code thresholdName} and the mean as a grey one. A threshold far from every text is only named in
     * the subtitle, so that the texts keep their resolution; NaN cosines are counted there too.
     */
    public static Plot cosineHistogram(EmbeddingComparison comparison, double threshold, String thresholdName) {
        double[] all = comparison.cosines();
        double[] cosines = Arrays.stream(all).filter(Double::isFinite).toArray();
        double dataLow = cosines.length == 0 ? threshold : Arrays.stream(cosines).min().orElseThrow();
        double dataHigh = cosines.length == 0 ? threshold : Arrays.stream(cosines).max().orElseThrow();
        double dataSpan = Math.max(dataHigh - dataLow, 1e-5);
        // a gate far left of every text would squeeze the texts into one bar: then the axis shows the texts only
        boolean gateShown = threshold >= dataLow - 3 * dataSpan && threshold <= dataHigh + 3 * dataSpan;
        double low = gateShown ? Math.min(threshold, dataLow) : dataLow;
        double high = gateShown ? Math.max(threshold, dataHigh) : dataHigh;
        double pad = 0.06 * Math.max(high - low, 1e-5);
        HistogramDataset data = new HistogramDataset();
        if (cosines.length > 0) {
            data.addSeries("texts", cosines, 30, dataLow, dataLow + dataSpan);
        }
        JFreeChart chart = ChartFactory.createHistogram("Per-text cosine similarity, candidate vs reference",
                "cosine similarity of a text's two embeddings", "texts", data, PlotOrientation.VERTICAL, false, false,
                false);
        int below = comparison.countBelow(threshold);
        int nan = all.length - cosines.length;
        chart.addSubtitle(subtitle(String.format(Locale.ROOT, "%d texts: mean %.5f, min %.5f; %d below %s %s%s%s",
                all.length, comparison.meanCosine(), comparison.minCosine(), below, thresholdName, number(threshold),
                gateShown ? "" : threshold < low ? " (left of the axis)" : " (right of the axis)",
                nan == 0 ? "" : "; " + nan + " NaN (not drawn)")));
        XYPlot plot = chart.getXYPlot();
        style(chart, plot);
        XYBarRenderer bars = (XYBarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, REFERENCE);
        bars.setDrawBarOutline(true);
        bars.setSeriesOutlinePaint(0, Color.WHITE);
        plot.getDomainAxis().setRange(low - pad, high + pad);
        plot.getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        // the gate's label right of its line at the top, the mean's left of its line a little lower: never on top
        // of each other, even when the two lines are close
        if (gateShown) {
            ValueMarker gate = marker(threshold, thresholdName + " " + number(threshold), GATE);
            gate.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            gate.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addDomainMarker(gate);
        }
        if (Double.isFinite(comparison.meanCosine())) {
            ValueMarker mean = marker(comparison.meanCosine(), "mean " + number(comparison.meanCosine()),
                    Color.DARK_GRAY);
            mean.setLabelOffset(new RectangleInsets(24, 4, 4, 4));
            plot.addDomainMarker(mean);
        }
        return render("cosine-histogram", chart);
    }

    // ---------------------------------------------------------------- similarity scatter

    /**
     * How the candidate ranks text pairs against the reference. With STS pairs ({@link EmbeddingComparison#sts()}):
     * each pair's human score against its cosine under the reference and under the candidate. Without: each text
     * pair's cosine under the reference against the same under the candidate, with the diagonal (perfect
     * agreement) drawn.
     *
     * @param reference the reference embeddings the comparison was made of, one row per text
     * @param candidate the candidate embeddings, likewise
     */
    public static Plot similarityScatter(EmbeddingComparison comparison, float[][] reference, float[][] candidate) {
        int n = Math.min(comparison.comparedCount(), Math.min(reference.length, candidate.length));
        return comparison.sts().isPresent()
                ? stsScatter(comparison, comparison.sts().get(), reference, candidate, n)
                : pairwiseScatter(comparison, reference, candidate, n);
    }

    private static Plot pairwiseScatter(EmbeddingComparison comparison, float[][] reference, float[][] candidate,
                                        int n) {
        XYSeries points = new XYSeries("text pairs", false, true);
        long pairs = (long) n * (n - 1) / 2;
        if (pairs <= MAX_SCATTER_POINTS) {
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    add(points, Cosine.of(reference[i], reference[j]), Cosine.of(candidate[i], candidate[j]));
                }
            }
        } else {
            SplittableRandom random = new SplittableRandom(SAMPLE_SEED);
            for (int p = 0; p < MAX_SCATTER_POINTS; p++) {
                int i = random.nextInt(n);
                int j = random.nextInt(n - 1);
                j += j >= i ? 1 : 0;
                add(points, Cosine.of(reference[i], reference[j]), Cosine.of(candidate[i], candidate[j]));
            }
        }
        XYSeriesCollection data = new XYSeriesCollection(points);
        JFreeChart chart = ChartFactory.createScatterPlot("Pairwise similarities, candidate vs reference",
                "cosine of a text pair under the reference", "cosine of the same pair under the candidate", data,
                PlotOrientation.VERTICAL, false, false, false);
        chart.addSubtitle(subtitle(String.format(Locale.ROOT, "Spearman %s over %,d pairs of %d texts; %,d pairs drawn;"
                + " on the diagonal the candidate agrees exactly", number(comparison.spearman()),
                comparison.spearmanPairs(), n, points.getItemCount())));
        XYPlot plot = chart.getXYPlot();
        style(chart, plot);
        dots(plot.getRenderer(), REFERENCE, 0);
        double low = Math.min(points.getMinX(), points.getMinY());
        double high = Math.max(points.getMaxX(), points.getMaxY());
        if (points.getItemCount() > 0 && Double.isFinite(low) && Double.isFinite(high)) {
            double pad = Math.max(0.02 * (high - low), 1e-3);
            plot.getDomainAxis().setRange(low - pad, high + pad);
            plot.getRangeAxis().setRange(low - pad, high + pad);
            plot.addAnnotation(new XYLineAnnotation(low - pad, low - pad, high + pad, high + pad,
                    new BasicStroke(1.2f), GATE));
        }
        return render("similarity-scatter", chart);
    }

    private static Plot stsScatter(EmbeddingComparison comparison, StsCorrelation sts, float[][] reference,
                                   float[][] candidate, int n) {
        List<int[]> pairs = comparison.pairs();
        double[] human = comparison.humanScores();
        XYSeries ref = new XYSeries("reference", false, true);
        XYSeries cand = new XYSeries("candidate", false, true);
        for (int p = 0; p < pairs.size(); p++) {
            int a = pairs.get(p)[0];
            int b = pairs.get(p)[1];
            if (a < n && b < n) {
                add(ref, human[p], Cosine.of(reference[a], reference[b]));
                add(cand, human[p], Cosine.of(candidate[a], candidate[b]));
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(ref);
        data.addSeries(cand);
        JFreeChart chart = ChartFactory.createScatterPlot("STS pairs: human score vs model similarity",
                "human similarity score (0 unrelated, 5 same meaning)", "cosine of the pair's embeddings", data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.addSubtitle(subtitle(String.format(Locale.ROOT, "%d pairs; Spearman with the human scores: reference %s, "
                + "candidate %s", sts.pairs(), number(sts.reference()), number(sts.candidate()))));
        XYPlot plot = chart.getXYPlot();
        style(chart, plot);
        dots(plot.getRenderer(), REFERENCE, 0);
        dots(plot.getRenderer(), CANDIDATE, 1);
        plot.getDomainAxis().setRange(-0.1, 5.1);
        return render("sts-scatter", chart);
    }

    // ---------------------------------------------------------------- layer errors

    /**
     * The relative error of the candidate's hidden states per layer of a {@link DiagnosisReport}: accumulated
     * (end to end, everything upstream included) beside introduced (the layer alone, fed the reference's input),
     * with the report's one-line summary as subtitle.
     */
    public static Plot layerErrors(DiagnosisReport report) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (LayerError row : report.layers()) {
            String column = row.isEmbeddings() ? "embeddings" : "layer " + (row.hiddenState() - 1);
            data.addValue(finiteOrNull(row.accumulated().relativeError()), "accumulated (end to end)", column);
            data.addValue(finiteOrNull(row.introduced().relativeError()), "introduced (this layer alone)", column);
        }
        JFreeChart chart = ChartFactory.createBarChart("Where the error enters: relative error of hidden states",
                "", "relative error ||c - r|| / ||r||", data, PlotOrientation.VERTICAL, true, false, false);
        chart.addSubtitle(subtitle(String.format(Locale.ROOT, "%d texts, %,d tokens. %s", report.textCount(),
                report.tokenCount(), report.summary())));
        CategoryPlot plot = chart.getCategoryPlot();
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, REFERENCE);
        bars.setSeriesPaint(1, CANDIDATE);
        bars.setItemMargin(0.05);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        return render("layer-errors", chart);
    }

    // ---------------------------------------------------------------- shared pieces

    private static void style(JFreeChart chart, XYPlot plot) {
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    }

    private static void dots(XYItemRenderer renderer, Color color, int series) {
        renderer.setSeriesShape(series, new Ellipse2D.Double(-2, -2, 4, 4));
        renderer.setSeriesPaint(series, new Color(color.getRed(), color.getGreen(), color.getBlue(), 140));
    }

    private static ValueMarker marker(double value, String label, Color color) {
        ValueMarker m = new ValueMarker(value, color, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {6f, 4f}, 0f));
        m.setLabel(label);
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        m.setLabelPaint(color);
        m.setLabelBackgroundColor(new Color(255, 255, 255, 220));
        m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        return m;
    }

    private static TextTitle subtitle(String text) {
        TextTitle t = new TextTitle(text, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        t.setPaint(Color.DARK_GRAY);
        return t;
    }

    private static void add(XYSeries series, double x, double y) {
        if (Double.isFinite(x) && Double.isFinite(y)) {
            series.add(x, y);
        }
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static String number(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4f", x) : String.valueOf(x);
    }

    private static Plot render(String name, JFreeChart chart) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(png, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the " + name + " chart as PNG", e);
        }
        SVGGraphics2D svg = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(svg, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        return new Plot(name, chart.getTitle().getText(), png.toByteArray(), svg.getSVGDocument());
    }
}

package dev.quantcheck.inspection;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.LayerQuantization;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.ModelWeights;
import dev.quantcheck.format.NonFiniteValues;
import dev.quantcheck.format.TensorBytes;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.quantization.BitPacking;
import dev.quantcheck.quantization.FpQuantizedTensor;
import dev.quantcheck.quantization.QuantizationMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Says, layer by layer, how a model's weights are really stored: packed (true quantization), float on a
 * quantization grid (fake quantization, {@link FakeQuantizationDetector}) or plain float; with bytes, bits per weight
 * and every NaN or Inf.
 *
 * <pre>{@code
 * try (ModelDirectory model = ModelDirectory.open(dir)) {
 *     InspectionReport report = ModelInspector.inspect(model);
 *     System.out.println(report.verdictLine());
 * }
 * }</pre>
 *
 * <p>Reads every float tensor once, one at a time; a 23M-weight model takes about a second.
 */
public final class ModelInspector {
    /** Candidates are what converters quantize: Linear and Embedding weights. */
    static final String CANDIDATES = "Linear/Embedding weights";

    /** How much to compute. */
    public enum Detail {
        /** Verdicts, sizes, NaN and Inf. */
        SUMMARY,
        /** Also {@link LayerStatistics}: min, max and distinct values per group (sorts every group: slower). */
        STATISTICS
    }

    private ModelInspector() {
    }

    /** {@link #inspect(ModelDirectory, Detail)} without statistics. */
    public static InspectionReport inspect(ModelDirectory model) throws IOException {
        return inspect(model, Detail.SUMMARY);
    }

    /**
     * Inspects every tensor of an opened model. Quantized modules (those {@link ModelDirectory#quantizedLayers()}
     * lists) become one row each; every other tensor is a row of its own.
     */
    public static InspectionReport inspect(ModelDirectory model, Detail detail) throws IOException {
        ModelWeights weights = model.weights();
        List<LayerReport> layers = new ArrayList<>();
        Set<String> folded = new HashSet<>();
        for (Map.Entry<String, LayerQuantization> e : model.quantizedLayers().entrySet()) {
            LayerReport layer = quantizedLayer(weights, e.getKey(), e.getValue(), detail);
            folded.addAll(layer.tensors());
            layers.add(layer);
        }
        for (String name : weights.names()) {
            if (!folded.contains(name)) {
                layers.add(tensorLayer(weights, name, detail));
            }
        }
        layers.sort(Comparator.comparing(LayerReport::name, NaturalOrder.INSTANCE));
        long logical = layers.stream().mapToLong(LayerReport::logicalElements).sum();
        Verdict verdict = modelVerdict(layers);
        return new InspectionReport(model.path(), verdict, modelEvidence(verdict, layers, model), weights.tensorBytes(),
                weights.fileBytes(), logical, layers);
    }

    // ---------------------------------------------------------------- packed modules

    private static LayerReport quantizedLayer(ModelWeights weights, String module, LayerQuantization q, Detail detail) {
        TensorInfo weight = weights.info(module + ".weight");
        TensorInfo scales = weights.info(module + ".scales");
        List<String> tensors = new ArrayList<>(List.of(weight.name(), scales.name()));
        if (weights.contains(module + ".biases")) {
            tensors.add(module + ".biases");
        }
        long[] shape = weight.shape();
        shape[shape.length - 1] = weight.dim(-1) * 32 / q.bits();
        long bytes = tensors.stream().mapToLong(t -> weights.info(t).byteSize()).sum();
        long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);

        List<NonFiniteValues> nonFinite = new ArrayList<>();
        Map<String, float[]> floats = new LinkedHashMap<>();
        for (String t : tensors.subList(1, tensors.size())) {
            TensorInfo info = weights.info(t);
            if (info.dtype().isWeightFloat()) {
                float[] values = weights.floats(t);
                floats.put(t, values);
                addIfPresent(nonFinite, NonFiniteValues.scan(t, values, info.shape()));
            }
        }
        String evidence = q.isAffine()
                ? String.format(Locale.ROOT, "packed U32: affine %d-bit codes in groups of %d with %s scales and "
                        + "biases", q.bits(), q.groupSize(), scales.dtype().fileName())
                : String.format(Locale.ROOT, "packed U32: %s %d-bit codes in groups of %d with U8 scales", q.mode(),
                        q.bits(), q.groupSize());
        Optional<LayerStatistics> statistics = detail == Detail.STATISTICS
                ? Optional.of(packedStatistics(weights, module, q, weight, shape, floats)) : Optional.empty();
        return new LayerReport(weight.name(), tensors, boxed(shape), LayerReport.PACKED, q.mode(), q.bits(),
                q.groupSize(), bytes, bytes * 8.0 / elements, true, Verdict.TRUE_QUANTIZED, evidence,
                Optional.empty(), nonFinite, statistics);
    }

    /** Min and max of the dequantized values, {@code scale * q + bias} in float32 as MLX's kernels compute them. */
    private static LayerStatistics packedStatistics(ModelWeights weights, String module, LayerQuantization q,
                                                    TensorInfo weight, long[] shape, Map<String, float[]> floats) {
        int[] words = TensorBytes.toInts(weight, weights.bytes(weight.name()));
        int cols = (int) shape[shape.length - 1];
        int rows = (int) (Arrays.stream(shape).reduce(1, Math::multiplyExact) / cols);
        int wordsPerRow = (int) weight.dim(-1);
        MinMax range = new MinMax();
        if (q.isAffine()) {
            float[] scales = floats.get(module + ".scales");
            float[] biases = floats.get(module + ".biases");
            int groupsPerRow = cols / q.groupSize();
            for (int r = 0; r < rows; r++) {
                for (int g = 0; g < groupsPerRow; g++) {
                    int lowCode = Integer.MAX_VALUE;
                    int highCode = -1;
                    for (int i = g * q.groupSize(); i < (g + 1) * q.groupSize(); i++) {
                        int code = BitPacking.codeAt(words, r * wordsPerRow, i, q.bits());
                        lowCode = Math.min(lowCode, code);
                        highCode = Math.max(highCode, code);
                    }
                    // affine in the code, so the extremes sit at the extreme codes
                    float scale = scales[r * groupsPerRow + g];
                    float bias = biases[r * groupsPerRow + g];
                    range.add(scale * lowCode + bias);
                    range.add(scale * highCode + bias);
                }
            }
        } else if (!q.mode().equals(QuantizationMode.NVFP4.configName())) {
            ByteBuffer scaleBytes = weights.bytes(module + ".scales");
            byte[] scales = new byte[scaleBytes.remaining()];
            scaleBytes.duplicate().get(scales);
            FpQuantizedTensor tensor = new FpQuantizedTensor(QuantizationMode.fromConfigName(q.mode()), rows, cols,
                    words, scales, null);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                tensor.dequantizeRow(r, row);
                range.addAll(row);
            }
        }
        // nvfp4's optional global scale is not part of the layers ModelDirectory reads, so its range is left out
        return new LayerStatistics(range.min(), range.max(), Optional.empty());
    }

    // ---------------------------------------------------------------- single tensors

    private static LayerReport tensorLayer(ModelWeights weights, String name, Detail detail) {
        TensorInfo info = weights.info(name);
        DType dtype = info.dtype();
        boolean candidate = info.rank() == 2 && name.endsWith(".weight");
        double bitsPerWeight = info.numel() == 0 ? 0 : info.byteSize() * 8.0 / info.numel();
        if (!dtype.isWeightFloat()) {
            String evidence = candidate
                    ? dtype.fileName() + " without scales: not a packed quantized layer, and not float"
                    : dtype.fileName() + " tensor, not a weight quantcheck checks";
            return new LayerReport(name, List.of(name), boxed(info.shape()), dtype.fileName(), null, null, null,
                    info.byteSize(), bitsPerWeight, candidate, Verdict.NOT_QUANTIZED, evidence, Optional.empty(),
                    List.of(), Optional.empty());
        }
        float[] values = weights.floats(name);
        List<NonFiniteValues> nonFinite = new ArrayList<>();
        addIfPresent(nonFinite, NonFiniteValues.scan(name, values, info.shape()));
        int cols = info.rank() == 0 ? 1 : (int) info.dim(-1);
        int rows = cols == 0 ? 0 : values.length / cols;

        Optional<GridEvidence> grid = Optional.empty();
        String evidence;
        if (candidate && values.length > 0) {
            FakeQuantizationDetector.Detection detection =
                    FakeQuantizationDetector.detect(values, rows, cols, dtype);
            grid = detection.grid();
            evidence = grid.map(g -> dtype.configName() + " on " + g)
                    .orElseGet(() -> offGridEvidence(detection, dtype, cols));
        } else if (candidate) {
            evidence = dtype.configName() + ", empty";
        } else {
            evidence = "rank-" + info.rank() + " " + dtype.configName()
                    + " (a LayerNorm weight or a bias), which converters keep in float";
        }
        Optional<LayerStatistics> statistics = Optional.empty();
        if (detail == Detail.STATISTICS) {
            MinMax range = new MinMax();
            range.addAll(values);
            int groupSize = grid.map(GridEvidence::groupSize).orElseGet(() -> statisticsGroupSize(cols));
            statistics = Optional.of(new LayerStatistics(range.min(), range.max(),
                    Optional.of(distinctPerGroup(values, groupSize))));
        }
        return new LayerReport(name, List.of(name), boxed(info.shape()), dtype.fileName(),
                grid.isPresent() ? LayerQuantization.AFFINE : null, grid.map(GridEvidence::bits).orElse(null),
                grid.map(GridEvidence::groupSize).orElse(null), info.byteSize(), bitsPerWeight, candidate,
                grid.isPresent() ? Verdict.FAKE_QUANTIZED : Verdict.NOT_QUANTIZED, evidence, grid, nonFinite,
                statistics);
    }

    private static String offGridEvidence(FakeQuantizationDetector.Detection detection, DType dtype, int cols) {
        String type = dtype.configName();
        if (detection.tallies().isEmpty()) {
            return type + "; its width " + cols + " is no multiple of 32, 64 or 128, so it has no groups to check";
        }
        List<FakeQuantizationDetector.GroupTally> tallies = detection.tallies();
        long informative = tallies.stream().mapToLong(FakeQuantizationDetector.GroupTally::informative).sum();
        long hidden = tallies.stream().mapToLong(FakeQuantizationDetector.GroupTally::indistinguishable).sum();
        if (informative == 0 && hidden > 0) {
            return type + "; whether its groups lie on a grid cannot be told from " + dtype.fileName()
                    + "'s own rounding (it has too few significant bits for the grid's step)";
        }
        if (informative == 0) {
            return type + " with fewer than " + FakeQuantizationDetector.MIN_DISTINCT
                    + " distinct values in every group: nothing to tell a grid by";
        }
        String sizes = tallies.stream().map(t -> Integer.toString(t.groupSize())).collect(Collectors.joining(", "));
        String hiddenNote = hidden == 0 ? "" : "; in " + hidden + " groups a grid, if any, could not be told from "
                + dtype.fileName() + "'s own rounding";
        return type + " values on no 2-8-bit grid in groups of " + sizes + hiddenNote;
    }

    // ---------------------------------------------------------------- the model's verdict

    static Verdict modelVerdict(List<LayerReport> layers) {
        List<LayerReport> candidates = layers.stream().filter(LayerReport::candidate).toList();
        long packed = count(candidates, Verdict.TRUE_QUANTIZED);
        if (!candidates.isEmpty() && packed == candidates.size()) {
            return Verdict.TRUE_QUANTIZED;
        }
        if (packed > 0) {
            return Verdict.MIXED;
        }
        return count(candidates, Verdict.FAKE_QUANTIZED) > 0 ? Verdict.FAKE_QUANTIZED : Verdict.NOT_QUANTIZED;
    }

    private static String modelEvidence(Verdict verdict, List<LayerReport> layers, ModelDirectory model) {
        List<LayerReport> candidates = layers.stream().filter(LayerReport::candidate).toList();
        int n = candidates.size();
        List<LayerReport> packed = only(candidates, Verdict.TRUE_QUANTIZED);
        List<LayerReport> fakes = only(candidates, Verdict.FAKE_QUANTIZED);
        List<LayerReport> plain = only(candidates, Verdict.NOT_QUANTIZED);
        String declared = model.quantization()
                .map(q -> "; config.json declares " + q.global() + ", but no weight is packed").orElse("");
        switch (verdict) {
            case TRUE_QUANTIZED:
                return String.format(Locale.ROOT, "all %d %s are packed U32 (%s); %s bits per weight on average",
                        n, CANDIDATES, describePacked(packed), decimal(bitsPerWeight(packed)));
            case MIXED:
                return String.format(Locale.ROOT, "%d of %d %s are packed U32 (%s), %d are not: %s", packed.size(),
                        n, CANDIDATES, describePacked(packed), n - packed.size(), describeUnpacked(fakes, plain));
            case FAKE_QUANTIZED:
                return describeFakes(fakes, n) + declared;
            default:
                if (n == 0) {
                    return "there are no " + CANDIDATES + " (rank-2 .weight tensors) to judge";
                }
                return String.format(Locale.ROOT, "none of the %d %s is packed or on a quantization grid; "
                        + "stored as %s%s", n, CANDIDATES, describeStorage(plain), declared);
        }
    }

    /** E.g. "36 of 37 Linear/Embedding weights are float32 on an 8-bit grid (groups of 64, up to 256 levels); ...". */
    private static String describeFakes(List<LayerReport> fakes, int candidates) {
        int lowBits = fakes.stream().mapToInt(LayerReport::bits).min().orElseThrow();
        int highBits = fakes.stream().mapToInt(LayerReport::bits).max().orElseThrow();
        int lowGroup = fakes.stream().mapToInt(LayerReport::groupSize).min().orElseThrow();
        int highGroup = fakes.stream().mapToInt(LayerReport::groupSize).max().orElseThrow();
        String grid = lowBits == highBits ? GridEvidence.article(highBits) + " " + highBits + "-bit grid"
                : lowBits + "- to " + highBits + "-bit grids";
        String groups = lowGroup == highGroup ? "groups of " + lowGroup : "groups of " + lowGroup + " to " + highGroup;
        double storedBits = fakes.stream().mapToDouble(LayerReport::bitsPerWeight).max().orElseThrow();
        return String.format(Locale.ROOT, "%d of %d %s are %s on %s (%s, up to %d levels); stored at %s bits per "
                        + "weight, %sx what %d-bit storage needs", fakes.size(), candidates, CANDIDATES,
                storageName(fakes), grid, groups, 1 << highBits, decimal(storedBits),
                decimal(storedBits / highBits), highBits);
    }

    private static String describeUnpacked(List<LayerReport> fakes, List<LayerReport> plain) {
        List<String> parts = new ArrayList<>();
        if (!fakes.isEmpty()) {
            parts.add(fakes.size() + " fake-quantized " + storageName(fakes) + " (" + names(fakes) + ")");
        }
        if (!plain.isEmpty()) {
            parts.add(plain.size() + " plain " + storageName(plain) + " (" + names(plain) + ")");
        }
        return String.join(", ", parts);
    }

    private static String describePacked(List<LayerReport> packed) {
        Map<String, Long> kinds = packed.stream().collect(Collectors.groupingBy(
                l -> l.mode() + " " + l.bits() + "-bit, groups of " + l.groupSize(), LinkedHashMap::new,
                Collectors.counting()));
        if (kinds.size() == 1) {
            return kinds.keySet().iterator().next();
        }
        return kinds.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining("; "));
    }

    private static String describeStorage(List<LayerReport> layers) {
        Map<String, List<LayerReport>> byType = layers.stream()
                .collect(Collectors.groupingBy(LayerReport::storage, LinkedHashMap::new, Collectors.toList()));
        return byType.values().stream().map(ls -> storageName(ls) + " (" + decimal(ls.get(0).bitsPerWeight())
                + " bits per weight)").collect(Collectors.joining(" and "));
    }

    /** "float32" when all layers share one float type, else "float". */
    private static String storageName(List<LayerReport> layers) {
        Set<String> types = layers.stream().map(LayerReport::storage).collect(Collectors.toSet());
        if (types.size() != 1) {
            return "float";
        }
        return DType.fromFileName(types.iterator().next()).filter(DType::isWeightFloat).map(DType::configName)
                .orElse(types.iterator().next());
    }

    private static String names(List<LayerReport> layers) {
        int shown = 3;
        String listed = layers.stream().limit(shown).map(LayerReport::name).collect(Collectors.joining(", "));
        return layers.size() > shown ? listed + ", ... " + (layers.size() - shown) + " more" : listed;
    }

    private static double bitsPerWeight(List<LayerReport> layers) {
        long bytes = layers.stream().mapToLong(LayerReport::bytes).sum();
        long elements = layers.stream().mapToLong(LayerReport::logicalElements).sum();
        return bytes * 8.0 / elements;
    }

    private static List<LayerReport> only(List<LayerReport> layers, Verdict verdict) {
        return layers.stream().filter(l -> l.verdict() == verdict).toList();
    }

    private static long count(List<LayerReport> layers, Verdict verdict) {
        return layers.stream().filter(l -> l.verdict() == verdict).count();
    }

    /** 4 for 4.0, 4.5 for 4.5, 4.53 for 4.5312: at most two decimals, none when whole. */
    static String decimal(double value) {
        String s = String.format(Locale.ROOT, "%.2f", value);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    // ---------------------------------------------------------------- statistics

    /** The group size distinct values are counted in when no grid was found: MLX's default 64 first. */
    static int statisticsGroupSize(int cols) {
        for (int groupSize : new int[] {64, 32, 128}) {
            if (cols % groupSize == 0) {
                return groupSize;
            }
        }
        return Math.max(cols, 1);
    }

    static LayerStatistics.DistinctValues distinctPerGroup(float[] values, int groupSize) {
        int groups = values.length / groupSize;
        if (groups == 0) {
            return new LayerStatistics.DistinctValues(groupSize, 0, 0);
        }
        int[] counts = new int[groups];
        float[] group = new float[groupSize];
        for (int g = 0; g < groups; g++) {
            int finite = 0;
            for (int i = g * groupSize; i < (g + 1) * groupSize; i++) {
                if (Float.isFinite(values[i])) {
                    group[finite++] = values[i];
                }
            }
            Arrays.sort(group, 0, finite);
            counts[g] = FakeQuantizationDetector.deduplicate(Arrays.copyOf(group, finite));
        }
        Arrays.sort(counts);
        double median = groups % 2 == 1 ? counts[groups / 2] : (counts[groups / 2 - 1] + counts[groups / 2]) / 2.0;
        return new LayerStatistics.DistinctValues(groupSize, counts[groups - 1], median);
    }

    /** Running min and max of the finite values seen; NaN for both when there were none. */
    private static final class MinMax {
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;

        void add(float v) {
            if (Float.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }

        void addAll(float[] values) {
            for (float v : values) {
                add(v);
            }
        }

        double min() {
            return min > max ? Double.NaN : min;
        }

        double max() {
            return min > max ? Double.NaN : max;
        }
    }

    // ---------------------------------------------------------------- small helpers

    private static void addIfPresent(List<NonFiniteValues> list, NonFiniteValues found) {
        if (found != null) {
            list.add(found);
        }
    }

    private static List<Long> boxed(long[] shape) {
        return Arrays.stream(shape).boxed().toList();
    }

    /** Names compared with their digit runs as numbers, so {@code layer.2} comes before {@code layer.10}. */
    enum NaturalOrder implements Comparator<String> {
        INSTANCE;

        private static final java.util.regex.Pattern CHUNK = java.util.regex.Pattern.compile("\\d+|\\D+");

        @Override
        public int compare(String a, String b) {
            List<String> x = chunks(a);
            List<String> y = chunks(b);
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                String p = x.get(i);
                String q = y.get(i);
                int c = Character.isDigit(p.charAt(0)) && Character.isDigit(q.charAt(0))
                        ? Comparator.comparing((String s) -> new java.math.BigInteger(s)).compare(p, q)
                        : p.compareTo(q);
                if (c != 0) {
                    return c;
                }
            }
            return x.size() != y.size() ? Integer.compare(x.size(), y.size()) : a.compareTo(b);
        }

        private static List<String> chunks(String s) {
            return CHUNK.matcher(s).results().map(java.util.regex.MatchResult::group).toList();
        }
    }
}

package dev.quantcheck.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.quantcheck.format.HalfFloats;

/**
 * Reads a BERT encoder out of an ONNX graph exported from PyTorch: every weight under its Hugging Face
 * {@code BertModel} name and layout, and the architecture ({@link BertConfig}) from the weights' shapes and the
 * graph's constants.
 *
 * <p>PyTorch exports a {@code Linear} as {@code MatMul(x, B) + bias} where {@code B = W^T} is an anonymous
 * initializer ({@code onnx::MatMul_787}). Its name is recovered twice, from the bias that the following
 * {@code Add} adds and from the MatMul node's scope name; the two must agree.
 */
final class BertGraph {
    static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

    /** Parameter names of a {@code BertModel}, without the layer index. */
    private static final Pattern LINEAR_NAME = Pattern.compile(
            "(encoder\\.layer\\.\\d+\\.(attention\\.self\\.(query|key|value)|attention\\.output\\.dense"
                    + "|intermediate\\.dense|output\\.dense)|pooler\\.dense)\\.weight");
    private static final Pattern LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\..*");
    private static final Pattern QKV_WEIGHT = Pattern.compile("encoder\\.layer\\.\\d+\\.attention\\.self\\.(query|key|value)\\.weight");
    private static final List<String> LAYER_TENSORS = List.of(
            "attention.self.query.weight", "attention.self.query.bias",
            "attention.self.key.weight", "attention.self.key.bias",
            "attention.self.value.weight", "attention.self.value.bias",
            "attention.output.dense.weight", "attention.output.dense.bias",
            "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
            "intermediate.dense.weight", "intermediate.dense.bias",
            "output.dense.weight", "output.dense.bias",
            "output.LayerNorm.weight", "output.LayerNorm.bias");
    /** Non-trainable buffers some exports keep as initializers. */
    private static final Set<String> BUFFERS = Set.of("embeddings.position_ids", "embeddings.token_type_ids");

    /**
     * One tensor to write.
     *
     * @param name      the Hugging Face name
     * @param source    the ONNX initializer it comes from
     * @param transpose whether the initializer holds {@code W^T} ([in, out]) and must be transposed
     */
    record Weight(String name, OnnxTensor source, boolean transpose) {
        /** The Hugging Face shape: the initializer's, with the two axes swapped when transposed. */
        long[] shape() {
            long[] dims = source.dims();
            return transpose ? new long[] {dims[1], dims[0]} : dims;
        }

        /** The F32 little-endian bytes in Hugging Face layout; no copy when the source is F32 and not transposed. */
        ByteBuffer bytes() {
            ByteBuffer f32 = source.dataType() == OnnxTensor.FLOAT16 ? f16ToF32(source.data()) : source.data();
            return transpose ? transposeF32(f32, (int) source.dim(0), (int) source.dim(1)) : f32;
        }
    }

    private final String source;
    private final OnnxGraph graph;
    private final Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();
    private final Map<String, OnnxNode> linearNodes = new HashMap<>();
    private String prefix;
    private final Map<String, Weight> weights = new TreeMap<>();
    private final List<String> skipped = new ArrayList<>();
    private BertConfig config;

    private BertGraph(OnnxModel model) {
        this.source = model.source();
        this.graph = model.graph();
        for (OnnxTensor t : graph.initializers()) {
            initializers.put(t.name(), t);
        }
        for (OnnxNode node : graph.nodes()) {
            for (String out : node.outputs()) {
                producers.put(out, node);
            }
            for (String in : node.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
            }
        }
    }

    /**
     * Finds every weight and the architecture.
     *
     * @throws OnnxFormatException naming the file when the graph is not a BERT encoder, a Linear weight cannot
     *                             be named, or a shape is not what a BERT of the found size needs
     */
    static BertGraph analyse(OnnxModel model) throws OnnxFormatException {
        BertGraph bert = new BertGraph(model);
        bert.findPrefix();
        bert.nameLinearWeights();
        bert.collectNamedWeights();
        bert.config = bert.deriveConfig();
        return bert;
    }

    /** The weights in name order. */
    List<Weight> weights() {
        return List.copyOf(weights.values());
    }

    BertConfig config() {
        return config;
    }

    /** Initializers that are not weights (constants, buffers), in file order. */
    List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** What preceded {@code embeddings.} in the initializer names ({@code bert.}, or empty). */
    String prefix() {
        return prefix;
    }

    // ---------------------------------------------------------------- names

    private void findPrefix() throws OnnxFormatException {
        List<String> found = initializers.keySet().stream().filter(n -> n.endsWith(WORD_EMBEDDINGS)).toList();
        if (found.size() != 1) {
            throw fail((found.isEmpty() ? "not a BERT graph: no initializer is named '" + WORD_EMBEDDINGS + "'"
                    : "several initializers end in '" + WORD_EMBEDDINGS + "': " + found)
                    + " (initializers: " + sample(initializers.keySet()) + "). This importer reads ONNX exports of"
                    + " a Hugging Face BertModel (torch.onnx.export or optimum-cli export onnx) with their"
                    + " parameter names kept; export the model with those names");
        }
        String word = found.get(0);
        prefix = word.substring(0, word.length() - WORD_EMBEDDINGS.length());
        if (!prefix.isEmpty() && !prefix.endsWith(".")) {
            throw fail("the word embeddings are called '" + word + "', which is not a BertModel name");
        }
    }

    /** Names the weight of every MatMul/Gemm that multiplies by an initializer. */
    private void nameLinearWeights() throws OnnxFormatException {
        for (OnnxNode node : graph.nodes()) {
            boolean matMul = node.opType().equals("MatMul");
            if (!(matMul || node.opType().equals("Gemm"))) {
                continue;
            }
            OnnxTensor b = initializers.get(node.input(1));
            if (b == null || b.rank() != 2) {
                continue;
            }
            // MatMul(x, B) is x·B, so B is W^T [in, out]; Gemm transposes B itself when transB = 1
            boolean transpose = matMul || node.attribute("transB").map(a -> a.i() == 0).orElse(true);
            String name = nameOf(node, b);
            checkFloat(name, b);
            if (weights.containsKey(name)) {
                throw fail("two Linear nodes, '" + linearNodes.get(name).name() + "' and '" + node.name()
                        + "', both map to '" + name + "'; the export is not a plain BertModel");
            }
            weights.put(name, new Weight(name, b, transpose));
            linearNodes.put(name, node);
        }
    }

    private String nameOf(OnnxNode node, OnnxTensor b) throws OnnxFormatException {
        Optional<String> fromBias = biasOf(node).map(bias -> strip(bias.substring(0, bias.length() - "bias".length())
                + "weight"));
        Optional<String> fromScope = scopeName(node.name());
        Optional<String> fromOwnName = LINEAR_NAME.matcher(strip(b.name())).matches()
                ? Optional.of(strip(b.name())) : Optional.empty();
        Set<String> candidates = new TreeSet<>();
        fromBias.ifPresent(candidates::add);
        fromScope.ifPresent(candidates::add);
        fromOwnName.ifPresent(candidates::add);
        String what = node.opType() + " '" + node.name() + "' (weight initializer '" + b.name() + "')";
        if (candidates.isEmpty()) {
            throw fail("cannot name the weight of " + what + ": no Add after it adds a '...bias' initializer and"
                    + " the node name is not a module path like '/encoder/layer.0/attention/self/query/MatMul'."
                    + " Export with torch.onnx.export (PyTorch >= 1.13 names nodes by module) without fusing"
                    + " the graph");
        }
        if (candidates.size() > 1) {
            throw fail("the weight of " + what + " has conflicting names: the bias added after it gives "
                    + fromBias.orElse("none") + ", the node name gives " + fromScope.orElse("none")
                    + ", the initializer's own name gives " + fromOwnName.orElse("none")
                    + "; the export is inconsistent, re-export it from the original model");
        }
        String name = candidates.iterator().next();
        if (!LINEAR_NAME.matcher(name).matches()) {
            throw fail("the weight of " + what + " would be called '" + name + "', which is not a Linear layer of"
                    + " a BertModel; this importer reads plain BertModel exports");
        }
        return name;
    }

    /** The bias initializer added to this Linear's output: Gemm's third input, or the Add after a MatMul. */
    private Optional<String> biasOf(OnnxNode node) throws OnnxFormatException {
        if (node.opType().equals("Gemm")) {
            return Optional.of(node.input(2)).filter(n -> initializers.containsKey(n) && n.endsWith("bias"));
        }
        List<String> biases = new ArrayList<>();
        for (OnnxNode add : consumers.getOrDefault(node.outputs().get(0), List.of())) {
            if (add.opType().equals("Add")) {
                for (String in : add.inputs()) {
                    if (initializers.containsKey(in) && in.endsWith("bias")) {
                        biases.add(in);
                    }
                }
            }
        }
        if (biases.size() > 1) {
            throw fail("MatMul '" + node.name() + "' feeds several bias Adds " + biases + "; cannot tell which"
                    + " Linear it is");
        }
        return biases.stream().findFirst();
    }

    /** {@code /encoder/layer.3/intermediate/dense/MatMul} -> {@code encoder.layer.3.intermediate.dense.weight}. */
    private Optional<String> scopeName(String nodeName) {
        int last = nodeName.lastIndexOf('/');
        if (!nodeName.startsWith("/") || last <= 0) {
            return Optional.empty();
        }
        return Optional.of(strip(nodeName.substring(1, last).replace('/', '.') + ".weight"));
    }

    private String strip(String name) {
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    /** Adds the initializers that already carry their Hugging Face name; the rest are constants and buffers. */
    private void collectNamedWeights() throws OnnxFormatException {
        Set<String> linear = new HashSet<>();
        weights.values().forEach(w -> linear.add(w.source().name()));
        for (OnnxTensor t : initializers.values()) {
            if (linear.contains(t.name())) {
                continue;
            }
            String name = strip(t.name());
            boolean parameter = t.name().startsWith(prefix) && !BUFFERS.contains(name)
                    && (name.endsWith(".weight") || name.endsWith(".bias"))
                    && (name.startsWith("embeddings.") || name.startsWith("encoder.") || name.startsWith("pooler."));
            if (!parameter) {
                skipped.add(t.name());
                continue;
            }
            if (weights.containsKey(name)) {
                throw fail("initializer '" + t.name() + "' and a Linear weight both map to '" + name + "'");
            }
            checkFloat(name, t);
            weights.put(name, new Weight(name, t, false));
        }
    }

    private void checkFloat(String name, OnnxTensor t) throws OnnxFormatException {
        if (t.dataType() != OnnxTensor.FLOAT && t.dataType() != OnnxTensor.FLOAT16) {
            throw fail("weight '" + name + "' (initializer '" + t.name() + "') is "
                    + OnnxTensor.typeName(t.dataType()) + "; this importer reads float32 or float16 exports,"
                    + " not quantized ones: import the full-precision ONNX file");
        }
    }

    // ---------------------------------------------------------------- config

    private BertConfig deriveConfig() throws OnnxFormatException {
        long[] word = shapeOf("embeddings.word_embeddings.weight", 2);
        int hidden = (int) word[1];
        int vocab = (int) word[0];
        int positions = (int) shapeOf("embeddings.position_embeddings.weight", 2)[0];
        int types = (int) shapeOf("embeddings.token_type_embeddings.weight", 2)[0];
        int intermediate = (int) shapeOf("encoder.layer.0.intermediate.dense.bias", 1)[0];
        int layers = countLayers();
        boolean pooler = weights.containsKey("pooler.dense.weight") || weights.containsKey("pooler.dense.bias");
        checkShapes(hidden, intermediate, vocab, positions, types, layers, pooler);
        int heads = attentionHeads(hidden);
        double eps = layerNormEps();
        String act = activation();
        return new BertConfig(hidden, layers, heads, intermediate, vocab, positions, types, eps, act, pooler);
    }

    private long[] shapeOf(String name, int rank) throws OnnxFormatException {
        Weight w = weights.get(name);
        if (w == null) {
            throw fail("not a complete BertModel export: there is no '" + prefix + name + "' (weights found: "
                    + sample(weights.keySet()) + ")");
        }
        long[] shape = w.shape();
        if (shape.length != rank) {
            throw fail("'" + name + "' has shape " + Arrays.toString(shape) + "; a BertModel's has rank " + rank);
        }
        return shape;
    }

    private int countLayers() throws OnnxFormatException {
        TreeSet<Integer> indices = new TreeSet<>();
        for (String name : weights.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                indices.add(Integer.parseInt(m.group(1)));
            }
        }
        if (indices.isEmpty()) {
            throw fail("not a BERT graph: there are no 'encoder.layer.N' weights");
        }
        if (indices.first() != 0 || indices.last() != indices.size() - 1) {
            throw fail("the encoder layers are numbered " + indices + "; expected 0.." + (indices.size() - 1));
        }
        return indices.size();
    }

    /** Every tensor a BertModel of this size has, with its shape; nothing missing, nothing extra. */
    private void checkShapes(int hidden, int intermediate, int vocab, int positions, int types, int layers,
                             boolean pooler) throws OnnxFormatException {
        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("embeddings.word_embeddings.weight", new long[] {vocab, hidden});
        expected.put("embeddings.position_embeddings.weight", new long[] {positions, hidden});
        expected.put("embeddings.token_type_embeddings.weight", new long[] {types, hidden});
        expected.put("embeddings.LayerNorm.weight", new long[] {hidden});
        expected.put("embeddings.LayerNorm.bias", new long[] {hidden});
        for (int i = 0; i < layers; i++) {
            for (String t : LAYER_TENSORS) {
                expected.put("encoder.layer." + i + "." + t, expectedLayerShape(t, hidden, intermediate));
            }
        }
        if (pooler) {
            expected.put("pooler.dense.weight", new long[] {hidden, hidden});
            expected.put("pooler.dense.bias", new long[] {hidden});
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Weight w = weights.get(e.getKey());
            if (w == null) {
                throw fail("not a complete BertModel export: '" + prefix + e.getKey() + "' is missing");
            }
            if (!Arrays.equals(w.shape(), e.getValue())) {
                throw fail("unexpected shape: '" + e.getKey() + "' (from initializer '" + w.source().name()
                        + "'" + (w.transpose() ? ", transposed" : "") + ") is " + Arrays.toString(w.shape())
                        + " but a BertModel with hidden size " + hidden + " and intermediate size " + intermediate
                        + " needs " + Arrays.toString(e.getValue()));
            }
        }
        for (String name : weights.keySet()) {
            if (!expected.containsKey(name)) {
                throw fail("'" + name + "' is not a parameter of a BertModel; this importer reads plain BertModel"
                        + " exports (no task heads, no relative position embeddings)");
            }
        }
    }

    private static long[] expectedLayerShape(String tensor, int hidden, int intermediate) {
        if (tensor.equals("intermediate.dense.weight")) {
            return new long[] {intermediate, hidden};
        } else if (tensor.equals("intermediate.dense.bias")) {
            return new long[] {intermediate};
        } else if (tensor.equals("output.dense.weight")) {
            return new long[] {hidden, intermediate};
        } else if (tensor.endsWith(".weight") && !tensor.contains("LayerNorm")) {
            return new long[] {hidden, hidden};
        }
        return new long[] {hidden};
    }

    /**
     * The head count: from the Reshape of the query/key/value projections to {@code [batch, seq, heads, head_dim]},
     * cross-checked against the {@code 1/sqrt(head_dim)} scale of the attention scores.
     */
    private int attentionHeads(int hidden) throws OnnxFormatException {
        Set<String> fromReshape = new TreeSet<>();
        Set<Integer> headsFromReshape = new TreeSet<>();
        for (Map.Entry<String, OnnxNode> e : linearNodes.entrySet()) {
            if (!QKV_WEIGHT.matcher(e.getKey()).matches()) {
                continue;
            }
            for (OnnxNode reshape : reachable(e.getValue().outputs().get(0), Set.of("Add"), "Reshape")) {
                long[] shape = reshapeTarget(reshape);
                if (shape != null && shape.length == 4 && shape[2] > 0 && shape[3] > 0
                        && shape[2] * shape[3] == hidden) {
                    headsFromReshape.add((int) shape[2]);
                    fromReshape.add(reshape.name());
                }
            }
        }
        Set<Integer> headDimsFromScale = new TreeSet<>();
        for (OnnxNode softmax : nodes("Softmax")) {
            scaleHeadDim(softmax).ifPresent(headDimsFromScale::add);
        }
        if (headsFromReshape.size() > 1 || headDimsFromScale.size() > 1) {
            throw fail("the layers disagree on the attention heads: reshapes give " + headsFromReshape
                    + " heads, score scales give head sizes " + headDimsFromScale);
        }
        if (headsFromReshape.isEmpty() && headDimsFromScale.isEmpty()) {
            throw fail("cannot find the number of attention heads: no Reshape of the query/key/value projections to"
                    + " [batch, seq, heads, head_dim] with constant heads and head_dim, and no 1/sqrt(head_dim)"
                    + " scale before a Softmax");
        }
        if (!headDimsFromScale.isEmpty()) {
            int headDim = headDimsFromScale.iterator().next();
            if (hidden % headDim != 0) {
                throw fail("the attention scores are scaled for a head size of " + headDim + ", which does not"
                        + " divide the hidden size " + hidden);
            }
            if (!headsFromReshape.isEmpty() && headsFromReshape.iterator().next() != hidden / headDim) {
                throw fail("the attention reshapes give " + headsFromReshape.iterator().next() + " heads but the"
                        + " score scale 1/sqrt(" + headDim + ") gives " + hidden / headDim);
            }
            return hidden / headDim;
        }
        return headsFromReshape.iterator().next();
    }

    /** The constant target shape of a Reshape: a constant, or a Concat whose trailing inputs are constants. */
    private long[] reshapeTarget(OnnxNode reshape) {
        Optional<OnnxTensor> constant = constant(reshape.input(1));
        if (constant.isPresent()) {
            return integers(constant.get());
        }
        OnnxNode concat = producers.get(reshape.input(1));
        if (concat == null || !concat.opType().equals("Concat")) {
            return null;
        }
        long[] shape = new long[concat.inputs().size()];
        Arrays.fill(shape, -1);
        for (int i = 0; i < shape.length; i++) {
            long[] part = constant(concat.input(i)).map(BertGraph::integers).orElse(null);
            if (part != null && part.length == 1) {
                shape[i] = part[0];
            }
        }
        return shape;
    }

    /** The head size implied by {@code Softmax(Div(scores, sqrt(d)) + mask)} or {@code Mul(scores, 1/sqrt(d))}. */
    private Optional<Integer> scaleHeadDim(OnnxNode softmax) {
        Deque<String> todo = new ArrayDeque<>(List.of(softmax.input(0)));
        for (int steps = 0; steps < 4 && !todo.isEmpty(); steps++) {
            OnnxNode node = producers.get(todo.poll());
            if (node == null) {
                continue;
            }
            if (node.opType().equals("Div") || node.opType().equals("Mul")) {
                Optional<Double> c = constant(node.input(1)).filter(t -> t.numel() == 1).map(BertGraph::scalar);
                if (c.isPresent() && c.get() > 0) {
                    double d = node.opType().equals("Div") ? c.get() * c.get() : 1 / (c.get() * c.get());
                    long rounded = Math.round(d);
                    if (rounded > 0 && Math.abs(d - rounded) < 1e-3 * rounded) {
                        return Optional.of((int) rounded);
                    }
                }
            }
            if (node.opType().equals("Add") || node.opType().equals("Where") || node.opType().equals("Cast")) {
                todo.addAll(node.inputs());
            }
        }
        return Optional.empty();
    }

    /**
     * The layer-norm epsilon: the constant in {@code Add(ReduceMean(Pow(x - mean, 2)), eps)}, or the epsilon of
     * fused {@code LayerNormalization} nodes. All layer norms must agree.
     */
    private double layerNormEps() throws OnnxFormatException {
        Set<Float> found = new TreeSet<>();
        for (OnnxNode add : nodes("Add")) {
            for (int i = 0; i < 2; i++) {
                OnnxNode mean = producers.get(add.input(i));
                if (mean == null || !mean.opType().equals("ReduceMean")) {
                    continue;
                }
                OnnxNode square = producers.get(mean.input(0));
                if (square == null || !(square.opType().equals("Pow") || square.opType().equals("Mul"))) {
                    continue;
                }
                constant(add.input(1 - i)).filter(t -> t.numel() == 1)
                        .ifPresent(t -> found.add((float) scalar(t)));
            }
        }
        for (OnnxNode ln : nodes("LayerNormalization")) {
            found.add(ln.attribute("epsilon").map(OnnxAttribute::f).orElse(1e-5f));
        }
        if (found.size() != 1) {
            throw fail(found.isEmpty() ? "cannot find the layer-norm epsilon: no Add(ReduceMean(Pow(..)), constant)"
                    + " and no LayerNormalization node" : "the layer norms use different epsilons " + found);
        }
        // the graph holds float32 (1e-12 is stored as 9.99999996e-13): keep the shortest decimal that maps back
        return Double.parseDouble(Float.toString(found.iterator().next()));
    }

    /** The Hugging Face {@code hidden_act} of the feed-forward block, read from the ops between its two Linears. */
    private String activation() throws OnnxFormatException {
        OnnxNode intermediate = linearNodes.get("encoder.layer.0.intermediate.dense.weight");
        if (intermediate == null) {
            throw fail("cannot find the feed-forward activation: 'encoder.layer.0.intermediate.dense.weight' is not"
                    + " multiplied by a MatMul or Gemm node in the graph");
        }
        Set<String> ops = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(intermediate.outputs());
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            for (OnnxNode n : consumers.getOrDefault(todo.poll(), List.of())) {
                if (n.opType().equals("MatMul") || n.opType().equals("Gemm") || !seen.add(n.name() + n.outputs())) {
                    continue;
                }
                ops.add(n.opType());
                if (n.opType().equals("Gelu")) {
                    boolean tanh = n.attribute("approximate").map(OnnxAttribute::string).orElse("none").equals("tanh");
                    return tanh ? "gelu_pytorch_tanh" : "gelu";
                }
                todo.addAll(n.outputs());
            }
        }
        if (ops.contains("Erf")) {
            return "gelu";
        } else if (ops.contains("Tanh")) {
            return "gelu_new";
        } else if (ops.contains("Relu")) {
            return "relu";
        } else if (ops.contains("Sigmoid")) {
            return "silu";
        }
        throw fail("cannot recognise the feed-forward activation: between intermediate.dense and output.dense the"
                + " graph has " + ops + " (expected Erf for gelu, Tanh for gelu_new, Relu or Sigmoid)");
    }

    // ---------------------------------------------------------------- graph helpers

    private List<OnnxNode> nodes(String opType) {
        return graph.nodes().stream().filter(n -> n.opType().equals(opType)).toList();
    }

    /** Nodes of type {@code target} fed by {@code value}, directly or through nodes of the types in {@code via}. */
    private List<OnnxNode> reachable(String value, Set<String> via, String target) {
        List<OnnxNode> found = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>(List.of(value));
        for (int steps = 0; steps < 8 && !todo.isEmpty(); steps++) {
            for (OnnxNode n : consumers.getOrDefault(todo.poll(), List.of())) {
                if (n.opType().equals(target)) {
                    found.add(n);
                } else if (via.contains(n.opType())) {
                    todo.addAll(n.outputs());
                }
            }
        }
        return found;
    }

    /** The value of an initializer or of a {@code Constant} node's output. */
    private Optional<OnnxTensor> constant(String value) {
        OnnxTensor init = initializers.get(value);
        if (init != null) {
            return Optional.of(init);
        }
        OnnxNode node = producers.get(value);
        if (node == null || !node.opType().equals("Constant") || node.attributes().isEmpty()) {
            return Optional.empty();
        }
        OnnxAttribute a = node.attributes().get(0);
        switch (a.name()) {
            case "value":
                return Optional.ofNullable(a.t());
            case "value_float":
                return Optional.of(new OnnxTensor(value, OnnxTensor.FLOAT, new long[0],
                        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, a.f())));
            case "value_int":
                return Optional.of(new OnnxTensor(value, OnnxTensor.INT64, new long[0],
                        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, a.i())));
            case "value_ints":
                ByteBuffer b = ByteBuffer.allocate(8 * a.ints().length).order(ByteOrder.LITTLE_ENDIAN);
                b.asLongBuffer().put(a.ints());
                return Optional.of(new OnnxTensor(value, OnnxTensor.INT64, new long[] {a.ints().length}, b));
            default:
                return Optional.empty();
        }
    }

    private static long[] integers(OnnxTensor t) {
        return t.dataType() == OnnxTensor.INT64 || t.dataType() == OnnxTensor.INT32 ? t.integers() : null;
    }

    private static double scalar(OnnxTensor t) {
        if (t.dataType() == OnnxTensor.FLOAT16) {
            return HalfFloats.f16ToFloat(t.data().getShort(0));
        }
        return t.dataType() == OnnxTensor.FLOAT || t.dataType() == OnnxTensor.DOUBLE ? t.scalar() : Double.NaN;
    }

    private OnnxFormatException fail(String detail) {
        return new OnnxFormatException(source, detail);
    }

    private static String sample(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        return list.size() <= 8 ? list.toString()
                : list.subList(0, 8) + " and " + (list.size() - 8) + " more";
    }

    // ---------------------------------------------------------------- layout

    /** {@code B [rows, cols]} -> {@code B^T [cols, rows]}, F32 little-endian. */
    static ByteBuffer transposeF32(ByteBuffer data, int rows, int cols) {
        FloatBuffer in = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        ByteBuffer out = ByteBuffer.allocate(4 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer outFloats = out.asFloatBuffer();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                outFloats.put(c * rows + r, in.get(r * cols + c));
            }
        }
        return out;
    }

    private static ByteBuffer f16ToF32(ByteBuffer f16) {
        ByteBuffer in = f16.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = in.remaining() / 2;
        ByteBuffer out = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out.putFloat(4 * i, HalfFloats.f16ToFloat(in.getShort(2 * i)));
        }
        return out;
    }
}

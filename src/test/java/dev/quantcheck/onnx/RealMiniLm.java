package dev.quantcheck.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The real all-MiniLM-L6-v2 from the jar on the test classpath, read and parsed once per test JVM. */
final class RealMiniLm {
    private RealMiniLm() {
    }

    private static final class Holder {
        static final BuiltinMiniLm.ModelFiles FILES;
        static final OnnxModel MODEL;

        static {
            try {
                FILES = BuiltinMiniLm.load();
                MODEL = OnnxModelReader.read(FILES.onnx(), BuiltinMiniLm.ONNX_RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static BuiltinMiniLm.ModelFiles files() {
        return Holder.FILES;
    }

    static OnnxModel model() {
        return Holder.MODEL;
    }

    /** The real model with each node replaced by {@code nodes.apply(node)} (null drops it). */
    static OnnxModel withNodes(UnaryOperator<OnnxNode> nodes) {
        List<OnnxNode> changed = new ArrayList<>();
        for (OnnxNode n : model().graph().nodes()) {
            OnnxNode m = nodes.apply(n);
            if (m != null) {
                changed.add(m);
            }
        }
        return with(changed, model().graph().initializers());
    }

    /** The real model with each initializer replaced by {@code initializers.apply(t)} (null drops it). */
    static OnnxModel withInitializers(UnaryOperator<OnnxTensor> initializers) {
        List<OnnxTensor> changed = new ArrayList<>();
        for (OnnxTensor t : model().graph().initializers()) {
            OnnxTensor m = initializers.apply(t);
            if (m != null) {
                changed.add(m);
            }
        }
        return with(model().graph().nodes(), changed);
    }

    static OnnxModel with(List<OnnxNode> nodes, List<OnnxTensor> initializers) {
        OnnxModel m = model();
        OnnxGraph g = m.graph();
        return new OnnxModel(m.source(), m.irVersion(), m.producerName(), m.producerVersion(), m.opsetImports(),
                new OnnxGraph(g.name(), nodes, initializers, g.inputs(), g.outputs()));
    }

    static OnnxNode renamed(OnnxNode n, String name) {
        return new OnnxNode(name, n.opType(), n.domain(), n.inputs(), n.outputs(), n.attributes());
    }

    static OnnxNode withInputs(OnnxNode n, List<String> inputs) {
        return new OnnxNode(n.name(), n.opType(), n.domain(), inputs, n.outputs(), n.attributes());
    }
}

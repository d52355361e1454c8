package dev.quantcheck.onnx;

import java.util.List;

/**
 * An ONNX {@code GraphProto}: nodes in topological order, initializers (the weights), and the names of the
 * graph's inputs and outputs.
 */
public record OnnxGraph(String name, List<OnnxNode> nodes, List<OnnxTensor> initializers, List<String> inputs,
                        List<String> outputs) {
    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = List.copyOf(initializers);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    @Override
    public String toString() {
        return "OnnxGraph[" + name + ", " + nodes.size() + " nodes, " + initializers.size() + " initializers, inputs "
                + inputs + ", outputs " + outputs + "]";
    }
}

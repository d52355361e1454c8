package dev.quantcheck.onnx;

import java.util.List;
import java.util.Optional;

/**
 * An ONNX {@code NodeProto}: one operator application.
 *
 * @param name       the node's name, e.g. {@code /encoder/layer.3/intermediate/dense/MatMul} (may be empty)
 * @param opType     the operator, e.g. {@code MatMul}
 * @param domain     the operator set domain; empty for the default {@code ai.onnx}
 * @param inputs     input value names in order; an empty string marks an omitted optional input
 * @param outputs    output value names in order
 * @param attributes the attributes, in file order
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       List<OnnxAttribute> attributes) {
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = List.copyOf(attributes);
    }

    /** The attribute called {@code attributeName}, if the node has one. */
    public Optional<OnnxAttribute> attribute(String attributeName) {
        return attributes.stream().filter(a -> a.name().equals(attributeName)).findFirst();
    }

    /** Input {@code index}, or the empty string when the node has fewer inputs. */
    public String input(int index) {
        return index < inputs.size() ? inputs.get(index) : "";
    }

    @Override
    public String toString() {
        return opType + " '" + name + "' " + inputs + " -> " + outputs;
    }
}

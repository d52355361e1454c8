package dev.quantcheck.onnx;

import java.util.List;

/**
 * An ONNX {@code ModelProto}, with the fields this project reads.
 *
 * @param source          the file or resource it was read from, for messages
 * @param irVersion       the ONNX IR version
 * @param producerName    e.g. {@code pytorch}; empty when absent
 * @param producerVersion e.g. {@code 2.0.1}; empty when absent
 * @param opsetImports    the operator sets the graph uses
 * @param graph           the main graph
 */
public record OnnxModel(String source, long irVersion, String producerName, String producerVersion,
                        List<OpsetImport> opsetImports, OnnxGraph graph) {
    /** The ai.onnx domain is spelled both ways in the wild. */
    private static final List<String> DEFAULT_DOMAINS = List.of("", "ai.onnx");

    public OnnxModel {
        opsetImports = List.copyOf(opsetImports);
    }

    /** One {@code OperatorSetIdProto}: a domain (empty for ai.onnx) and its version. */
    public record OpsetImport(String domain, long version) {
    }

    /** The version of the default {@code ai.onnx} operator set, or -1 when the model imports none. */
    public long opset() {
        return opsetImports.stream().filter(o -> DEFAULT_DOMAINS.contains(o.domain()))
                .mapToLong(OpsetImport::version).max().orElse(-1);
    }
}

package dev.quantcheck.onnx;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * What {@link OnnxBertImporter} wrote.
 *
 * @param outputDirectory the model folder
 * @param onnxName        the source ONNX file's name (or the resource's)
 * @param onnxSha256      its SHA-256, lower-case hex
 * @param opset           its ai.onnx opset version
 * @param config          the architecture read from the graph, as written to {@code config.json}
 * @param padTokenId      the tokenizer's padding id, when it declares one
 * @param tensorCount     tensors in {@code model.safetensors}
 * @param tensorBytes     their total size in bytes
 * @param transposed      how many of them were stored transposed in the ONNX file
 */
public record OnnxImportSummary(Path outputDirectory, String onnxName, String onnxSha256, long opset,
                                BertConfig config, OptionalInt padTokenId, int tensorCount, long tensorBytes,
                                int transposed) {
}

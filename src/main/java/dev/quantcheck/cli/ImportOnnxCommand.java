package dev.quantcheck.cli;

import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.onnx.BuiltinMiniLm;
import dev.quantcheck.onnx.OnnxBertImporter;
import dev.quantcheck.onnx.OnnxImportSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code quantcheck import-onnx}: a BERT ONNX export becomes a Hugging Face-layout model folder. */
@Command(name = "import-onnx",
        mixinStandardHelpOptions = true,
        description = {
                "Turn a BERT ONNX export into a Hugging Face-layout model folder.",
                "Writes model.safetensors (fp32, Hugging Face names, [out, in] Linear weights), a config.json",
                "derived from the graph, the tokenizer and sentence-transformers pooling files. Without --onnx,",
                "imports the built-in all-MiniLM-L6-v2 from its Maven artifact."})
final class ImportOnnxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Output folder (replaced atomically). Default: models/hf/" + BuiltinModels.MINILM
                    + " for the built-in model.")
    Path output;

    @Option(names = "--onnx", paramLabel = "FILE", description = "A BERT ONNX file (fp32) to import instead of the built-in MiniLM.")
    Path onnx;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "The tokenizer.json that belongs to --onnx.")
    Path tokenizer;

    @Override
    public Integer call() throws Exception {
        if ((onnx == null) != (tokenizer == null)) {
            throw new ParameterException(spec.commandLine(), "--onnx and --tokenizer go together: give both or neither");
        }
        Path target = output != null ? output : (onnx == null ? BuiltinModels.miniLmPath() : null);
        if (target == null) {
            throw new ParameterException(spec.commandLine(), "--output DIR is required with --onnx");
        }
        OnnxImportSummary summary = onnx == null
                ? BuiltinMiniLm.importTo(target)
                : OnnxBertImporter.importModel(onnx, tokenizer, target);
        try (ModelDirectory model = ModelDirectory.open(summary.outputDirectory())) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Imported %s (sha256 %s, opset %d)%n", summary.onnxName(),
                    summary.onnxSha256().substring(0, 16), summary.opset());
            out.printf("  into %s%n", summary.outputDirectory());
            out.printf("  %s: %d layers, hidden %d, %d heads, intermediate %d, vocab %d, %d positions, eps %g, %s%n",
                    model.architecture().modelType(), model.config().numLayers(), model.config().hiddenSize(),
                    model.config().numHeads(), model.config().intermediateSize(), model.config().vocabSize(),
                    model.config().maxPositions(), model.config().layerNormEps(), model.config().hiddenAct());
            out.printf("  %d tensors, %.1f MB of fp32 weights (%d transposed from ONNX's [in, out]); pooling %s%s%n",
                    summary.tensorCount(), summary.tensorBytes() / 1e6, summary.transposed(),
                    model.pooling().mode().name().toLowerCase(java.util.Locale.ROOT),
                    model.pooling().normalize() ? " + L2 normalisation" : "");
        }
        return 0;
    }
}

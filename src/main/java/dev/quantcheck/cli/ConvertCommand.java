package dev.quantcheck.cli;

import dev.quantcheck.conversion.ConversionMetadata;
import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.ConversionResult;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.conversion.LayerDecision;
import dev.quantcheck.conversion.ModelEntry;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.format.DType;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.quantization.Rounding;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code quantcheck convert}: a float model becomes an MLX-quantized one with true low-bit storage. */
@Command(name = "convert",
        mixinStandardHelpOptions = true,
        description = {
                "Convert a float encoder to MLX's quantized format (affine, packed low-bit weights).",
                "Every Linear and Embedding weight whose last dimension divides by the group size is quantized;",
                "LayerNorms and biases keep the dtype. Writes model.safetensors, its index, config.json with the",
                "quantization block, the tokenizer and pooling files, and conversion_metadata.json, atomically."})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--model", paramLabel = "NAME", required = true,
                description = "An entry of config/models.yaml (with --bits when it is listed at several).")
        String model;

        @Option(names = "--source", paramLabel = "DIR", required = true,
                description = "Any Hugging Face-layout model folder (fp32, fp16 or bf16).")
        Path source;
    }

    @ArgGroup(multiplicity = "1")
    Source from;

    @Option(names = "--config", paramLabel = "FILE", description = "The models file (default: config/models.yaml).")
    Path config;

    @Option(names = "--bits", description = "2, 3, 4, 5, 6 or 8 (default: the entry's, else 4).")
    Integer bits;

    @Option(names = "--group-size", paramLabel = "N", description = "32, 64 or 128 (default: the entry's, else 64).")
    Integer groupSize;

    @Option(names = "--dtype", description = "float16 (default), bfloat16 or float32: weights, scales and biases.")
    String dtype;

    @Option(names = "--rounding", description = "gpu (default: what MLX on a Mac produces) or cpu.")
    String rounding;

    @Option(names = "--output", paramLabel = "DIR", description = "Output folder (default: models/mlx/<name>-mlx-q<bits>).")
    Path output;

    @Option(names = "--no-skip", description = "Convert even when a complete output made the same way exists.")
    boolean noSkip;

    @Option(names = "--fake", description = "Reproduce the broken v1 converter on purpose: quantize, dequantize and "
            + "store float32, with metadata claiming the bits. For seeing the fake-quantization detector work.")
    boolean fake;

    @Override
    public Integer call() throws Exception {
        ConversionOptions options;
        Path source;
        String name;
        if (from.model != null) {
            ModelsConfig models = config == null ? ModelsConfig.loadDefault() : ModelsConfig.load(config);
            ModelEntry entry = models.entry(from.model, bits);
            options = entry.conversionOptions();
            source = models.sourceOf(entry);
            name = entry.name();
        } else {
            options = ConversionOptions.defaults();
            source = from.source;
            name = source.toAbsolutePath().normalize().getFileName().toString();
        }
        options = applyFlags(options);
        Path target = output != null ? output : BuiltinModels.modelsRoot().resolve("mlx")
                .resolve(name + "-mlx-q" + options.bits() + (options.fake() ? "-fake" : ""));

        ConversionResult result = Converter.convert(source, target, options, noSkip);
        report(spec.commandLine().getOut(), source, result);
        return 0;
    }

    private ConversionOptions applyFlags(ConversionOptions options) {
        if (bits != null) {
            options = options.withBits(bits);
        }
        if (groupSize != null) {
            options = options.withGroupSize(groupSize);
        }
        if (dtype != null) {
            options = options.withDtype(DType.fromConfigName(dtype));
        }
        if (rounding != null) {
            options = options.withRounding(parseRounding(rounding));
        }
        return options.withFake(fake);
    }

    private static Rounding parseRounding(String text) {
        try {
            return Rounding.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--rounding " + text + " is not known; use gpu or cpu");
        }
    }

    private static void report(PrintWriter out, Path source, ConversionResult result) {
        ConversionMetadata m = result.metadata();
        if (result.skipped()) {
            out.printf("Kept the existing conversion in %s (made the same way from the same source; --no-skip "
                    + "converts again).%n", result.output());
        } else {
            out.printf("Converted %s%n     into %s%n", source, result.output());
            long kept = result.decisions().size() - result.quantizedLayers();
            out.printf("  %d layers quantized, %d kept in %s%n", result.quantizedLayers(), kept, m.dtype());
            for (LayerDecision d : result.decisions()) {
                if (d.overridden() || !d.quantized()) {
                    out.printf("    %s: %s%n", d.module(), d.quantized()
                            ? d.bits() + "-bit, group " + d.groupSize() + " (" + d.reason() + ")" : d.reason());
                }
            }
        }
        out.printf("  %s%d-bit affine, group %d, %s scales, %s rounding%n", m.fake() ? "FAKE (v1 bug reproduced) " : "",
                m.bits(), m.groupSize(), m.dtype(), m.rounding());
        out.printf("  size: %.2f MB -> %.2f MB (compression %.2fx)", m.originalSizeMb(), m.actualSizeMb(),
                m.compressionRatio());
        if (m.targetSizeMb() != null) {
            out.printf("; target %.2f MB, %.2fx of it (%s)", m.targetSizeMb(), m.sizeAccuracyRatio(),
                    m.sizeAccuracyRatio() <= 1 ? "meets the target" : "MISSES the target");
        }
        out.println();
    }
}

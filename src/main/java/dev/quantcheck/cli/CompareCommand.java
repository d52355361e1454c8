package dev.quantcheck.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.corpus.TextCorpus;
import dev.quantcheck.diagnosis.DiagnosisReport;
import dev.quantcheck.diagnosis.LayerDiagnosis;
import dev.quantcheck.format.AtomicFiles;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.inference.EncoderOptions;
import dev.quantcheck.inference.Truncation;
import dev.quantcheck.metrics.Band;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.TextResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code quantcheck compare}: how far a candidate model's embeddings are from a reference's. */
@Command(name = "compare",
        mixinStandardHelpOptions = true,
        description = {
                "Compare a candidate model's sentence embeddings with a reference model's on a corpus:",
                "cosine (mean, min, percentiles), MSE, max abs difference, NaN/Inf, Spearman of pairwise",
                "similarities (and of STS human scores), top-10 neighbour overlap, the band and the worst texts."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--reference", paramLabel = "DIR", required = true, description = "The original model folder.")
    Path reference;

    @Option(names = "--candidate", paramLabel = "DIR", required = true, description = "The converted model folder.")
    Path candidate;

    @Mixin
    CorpusOptions corpus;

    @Option(names = "--max-pairs", paramLabel = "N", defaultValue = "689",
            description = "STS pairs to use from a .tsv (default ${DEFAULT-VALUE}).")
    int maxPairs;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the metrics as JSON (results.json).")
    Path output;

    @Option(names = "--per-layer", description = "Also find where the error enters: per layer and sub-layer, the "
            + "error accumulated so far and the error each layer adds alone (on up to 64 texts).")
    boolean perLayer;

    @Option(names = "--allow-non-finite", description = "Load weights with NaN or Inf and compare embeddings that "
            + "hold them, to measure a broken model (default: refuse both, naming the tensor or the texts).")
    boolean allowNonFinite;

    @Override
    public Integer call() throws Exception {
        if (output != null) {
            AtomicFiles.requireFileTarget(output);
        }
        TextCorpus texts = corpus.load(maxPairs);
        EmbeddingComparison comparison;
        Truncation truncation;
        DiagnosisReport diagnosis = null;
        EncoderOptions options = EncoderOptions.defaults().withNonFiniteAllowed(allowNonFinite);
        try (Encoder r = Encoder.load(reference, options); Encoder c = Encoder.load(candidate, options)) {
            truncation = r.truncation(texts.texts());
            comparison = texts.compare(r.embed(texts.texts()), c.embed(texts.texts()));
            if (perLayer) {
                diagnosis = LayerDiagnosis.run(r, c, texts.texts().subList(0, Math.min(64, texts.texts().size())));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Corpus          %s%n", texts.describe());
        out.printf("Truncated       %s%n", truncation);
        print(out, comparison);
        if (diagnosis != null) {
            out.println();
            out.println("Per layer (accumulated: both models end to end; introduced: the candidate's layer fed the "
                    + "reference's input)");
            out.print(diagnosis);
            out.println(diagnosis.summary());
        }
        if (output != null) {
            ObjectNode json = new ObjectMapper().createObjectNode();
            json.put("reference", reference.toAbsolutePath().toString());
            json.put("candidate", candidate.toAbsolutePath().toString());
            json.put("corpus", texts.name());
            json.putObject("truncation").put("texts_cut", truncation.truncated().size())
                    .put("max_length", truncation.maxLength()).put("longest_tokens", truncation.longestTokens())
                    .put("dropped_tokens", truncation.droppedTokens());
            json.setAll(comparison.toJson());
            if (diagnosis != null) {
                json.set("per_layer", diagnosis.toJson());
            }
            AtomicFiles.write(output, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            out.printf("Wrote %s%n", output);
        }
        return 0;
    }

    static void print(PrintWriter out, EmbeddingComparison c) {
        Band band = Band.of(c.meanCosine());
        out.printf("Texts           %d%n", c.textCount());
        out.printf("Cosine          mean %.5f  min %.5f  p01 %.5f  p50 %.5f%n", c.meanCosine(), c.minCosine(), c.p01(),
                c.p50());
        out.printf("MSE             %.3e%n", c.mse());
        out.printf("Max abs diff    %.4f%n", c.maxAbsDiff());
        out.printf("NaN / Inf       %d / %d%n", c.nanCount(), c.infCount());
        out.printf("Spearman        %.5f (pairwise similarities, reference vs candidate)%n", c.spearman());
        c.sts().ifPresent(s -> out.printf("STS Spearman    reference %.4f, candidate %.4f (%d pairs with human scores)%n",
                s.reference(), s.candidate(), s.pairs()));
        int k = Math.min(10, c.comparedCount() - 1);
        if (k >= 1) {
            out.printf("Top-%d overlap  %.4f%n", k, c.topKOverlap(k).mean());
        }
        out.printf("Band            %s%n", band.label());
        out.println("Worst texts");
        for (TextResult t : c.worst(5)) {
            out.printf("  %.5f  %s%n", t.cosine(), t.text().length() > 90 ? t.text().substring(0, 87) + "..." : t.text());
        }
    }
}

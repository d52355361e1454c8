package dev.quantcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.testing.TinyBert;
import dev.quantcheck.testing.WeightEdits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CompareCommandTest {
    @TempDir
    Path dir;

    @Test
    void comparesTwoModelsOnACorpusAndWritesTheMetrics() throws IOException {
        Path original = TinyBert.builder().write(dir.resolve("tiny"));
        Path q8 = dir.resolve("q8");
        Converter.convert(original, q8, ConversionOptions.defaults().withBits(8).withGroupSize(32), false);
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), """
                a man is playing a guitar
                a woman is cutting an onion

                the dog is eating
                a girl is brushing her hair
                the cat is playing soccer on the beach
                """);
        Path results = dir.resolve("results.json");

        CliRun run = CliRun.of("compare", "--reference", original.toString(), "--candidate", q8.toString(),
                "--corpus", corpus.toString(), "--output", results.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Truncated       none of 5 texts cut (at most 64 tokens each)",
                "Texts           5", "Cosine          mean 0.9", "Band            ",
                "Worst texts", "Wrote " + results);
        JsonNode json = new ObjectMapper().readTree(results.toFile());
        for (String path : new String[] {"/cosine/mean", "/cosine/min", "/cosine/p01", "/mse", "/max_abs_diff",
                "/nan_count", "/inf_count", "/spearman", "/n_texts", "/band"}) {
            assertThat(json.at(path).isMissingNode()).as(path).isFalse();
        }
        assertThat(json.at("/n_texts").asInt()).isEqualTo(5);
        assertThat(json.at("/truncation/texts_cut").asInt()).isZero();
        assertThat(json.at("/cosine/mean").asDouble()).isBetween(0.9, 1.0);
        assertThat(json.at("/nan_count").asInt()).isZero();
    }

    @Test
    void perLayerNamesWhereTheErrorEnters() throws IOException {
        Path original = TinyBert.builder().write(dir.resolve("tiny"));
        Path q2 = dir.resolve("q2");
        Converter.convert(original, q2, ConversionOptions.defaults().withBits(2).withGroupSize(32), false);
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), "a man is playing a guitar\nthe dog is eating\n");
        Path results = dir.resolve("results.json");
        CliRun run = CliRun.of("compare", "--reference", original.toString(), "--candidate", q2.toString(),
                "--corpus", corpus.toString(), "--per-layer", "--output", results.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Per layer", "error enters mostly at");
        assertThat(new ObjectMapper().readTree(results.toFile()).get("per_layer").toString()).contains("introduced");
    }

    @Test
    void aMissingCorpusIsNamed() throws IOException {
        Path original = TinyBert.builder().write(dir.resolve("tiny"));
        CliRun run = CliRun.of("compare", "--reference", original.toString(), "--candidate", original.toString(),
                "--corpus", dir.resolve("none.txt").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("none.txt: no such corpus file");
    }

    @Test
    void aCandidateWithANanScaleFailsNamingTheTensorUnlessMeasuredOnPurpose() throws IOException {
        Path original = TinyBert.builder().write(dir.resolve("tiny"));
        Path q4 = dir.resolve("q4");
        Converter.convert(original, q4, ConversionOptions.defaults().withBits(4).withGroupSize(32), false);
        WeightEdits.set(q4, "encoder.layer.1.intermediate.dense.scales", 2, Float.NaN);
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), "a man is playing a guitar\nthe dog is eating\n");

        CliRun refused = CliRun.of("compare", "--reference", original.toString(), "--candidate", q4.toString(),
                "--corpus", corpus.toString());
        CliRun measured = CliRun.of("compare", "--reference", original.toString(), "--candidate", q4.toString(),
                "--corpus", corpus.toString(), "--allow-non-finite");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("encoder.layer.1.intermediate.dense.scales' holds NaN at [1, 0]",
                "--allow-non-finite");
        assertThat(refused.out()).doesNotContain("Cosine");
        assertThat(measured.exitCode()).as(measured.err()).isZero();
        assertThat(measured.out()).contains("NaN / Inf       128 / 0");
    }
}

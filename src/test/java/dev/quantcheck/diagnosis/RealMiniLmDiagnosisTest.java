package dev.quantcheck.diagnosis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.BuiltinTexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The real all-MiniLM-L6-v2 against its 4-bit conversion (MLX defaults: groups of 64), on texts of the built-in corpus. */
class RealMiniLmDiagnosisTest {
    @TempDir
    static Path dir;
    static Encoder fp32;
    static Encoder q4;

    @BeforeAll
    static void convert() throws IOException {
        Path out = dir.resolve("q4");
        Converter.convert(BuiltinModels.miniLm(), out, ConversionOptions.defaults().withBits(4), false);
        fp32 = Encoder.load(BuiltinModels.miniLm());
        q4 = Encoder.load(out);
    }

    @AfterAll
    static void close() throws IOException {
        fp32.close();
        q4.close();
    }

    @Test
    void q4ReportHasARowPerLayerWithSaneErrorsAndNamesWhereErrorEnters() {
        DiagnosisReport report = LayerDiagnosis.run(fp32, q4, BuiltinTexts.first(32));
        System.out.println(report);

        assertThat(report.layers()).extracting(LayerError::name).containsExactly("embeddings", "encoder.layer.0",
                "encoder.layer.1", "encoder.layer.2", "encoder.layer.3", "encoder.layer.4", "encoder.layer.5");
        assertThat(report.textCount()).isEqualTo(32);
        for (LayerError row : report.layers()) {
            assertThat(row.accumulated().relativeError()).as(row.name()).isBetween(1e-4, 0.5);
            assertThat(row.accumulated().meanCosine()).as(row.name()).isBetween(0.9, 1.0);
            assertThat(row.accumulated().minCosine()).as(row.name()).isBetween(0.8, row.accumulated().meanCosine());
            assertThat(row.introduced().relativeError()).as(row.name()).isBetween(1e-4, 0.5);
            assertThat(row.introduced().meanCosine()).as(row.name()).isBetween(0.9, 1.0);
            assertThat(row.subLayers()).hasSize(row.isEmbeddings() ? 0 : 6).allSatisfy(s ->
                    assertThat(s.relativeError()).as(s.name()).isBetween(1e-3, 0.5));
        }
        // quantization noise compounds: the last layer carries more error than the embeddings
        assertThat(report.last().accumulated().relativeError())
                .isGreaterThan(report.layers().get(0).accumulated().relativeError());
        LayerError worst = report.worstLayer().orElseThrow();
        SubLayerError worstSub = report.worstSubLayer().orElseThrow();
        assertThat(worstSub.name()).matches("encoder\\.layer\\.[0-5]\\.(attention\\.self\\.(query|key|value)"
                + "|attention\\.output\\.dense|intermediate\\.dense|output\\.dense)");
        assertThat(report.summary()).matches("error enters mostly at (the embeddings|layer [0-5]) \\(introduced "
                + "relative error [0-9.e-]+, [0-9]+% of the total\\); worst sub-layer encoder\\.layer\\.[0-5]\\.\\S+ "
                + "\\(relative error [0-9.e-]+\\)").contains(worst.label()).contains(worstSub.name());

        JsonNode json = report.toJson();
        assertThat(json.get("layers")).hasSize(7);
        assertThat(json.get("worst_layer").asText()).isEqualTo(worst.name());
        assertThat(json.get("worst_sub_layer").asText()).isEqualTo(worstSub.name());
        for (JsonNode row : json.get("layers")) {
            assertThat(row.has("name") && row.has("hidden_state") && row.has("introduced_share")).isTrue();
            for (String part : List.of("accumulated", "introduced")) {
                for (String field : List.of("mean_cosine", "min_cosine", "worst_cosine", "relative_error")) {
                    assertThat(row.get(part).get(field).isNumber()).as("%s.%s", part, field).isTrue();
                }
            }
        }
    }

    @Test
    void sixtyFourTextsAreDiagnosed() {
        List<String> texts = BuiltinTexts.first(64);
        long start = System.nanoTime();
        DiagnosisReport report = LayerDiagnosis.run(fp32, q4, texts);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("diagnosis of %d texts (%d tokens) took %.2f s: %s%n", texts.size(), report.tokenCount(),
                seconds, report.summary());

        // the time is printed, not asserted: timings belong in benchmarks, not in unit tests on shared machines
        assertThat(report.textCount()).isEqualTo(64);
        assertThat(report.tokenCount()).isGreaterThan(64);
    }
}

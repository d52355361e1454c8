package dev.quantcheck.reporting;

import dev.quantcheck.cli.QuantCheckCli;
import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.InspectionTable;
import dev.quantcheck.inspection.ModelInspector;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The text attachments, and the model facts read from a conversion. */
class ReportTablesTest {
    @TempDir
    Path dir;

    @Test
    void perTextCsvQuotesWhatNeedsQuotingAndKeepsTextOrder() {
        // GIVEN
        List<String> texts = List.of("plain", "with, comma", "say \"hi\"", "two\nlines");
        float[][] reference = {{1, 0}, {0, 1}, {1, 1}, {1, 0}};
        float[][] candidate = {{1, 0}, {0, 1}, {1, 0}, {Float.NaN, 0}};
        // WHEN
        String csv = ReportTables.perTextCsv(EmbeddingComparison.of(texts, reference, candidate));
        // THEN
        assertThat(csv.split("\r\n")).containsExactly("index,text,cosine,mse,max_abs_diff",
                "0,plain,1.0,0.0,0.0",
                "1,\"with, comma\",1.0,0.0,0.0",
                "2,\"say \"\"hi\"\"\",0.7071067811865475,0.5,1.0",
                "3,\"two\nlines\",NaN,NaN,NaN");
    }

    @Test
    void inspectionTableIsWhatTheInspectCommandPrints() throws IOException {
        // GIVEN a 4-bit conversion of a tiny BERT
        Path out = convert();
        InspectionReport report;
        try (ModelDirectory model = ModelDirectory.open(out)) {
            report = ModelInspector.inspect(model);
        }
        StringWriter printed = new StringWriter();
        CommandLine cli = QuantCheckCli.commandLine();
        cli.setOut(new PrintWriter(printed, true));
        // WHEN
        int code = cli.execute("inspect", out.toString());
        // THEN the attachment and the command say the same, so users recognise it
        assertThat(code).isZero();
        assertThat(InspectionTable.of(report)).isEqualTo(printed.toString())
                .contains("U32 packed", "Verdict  TRUE_QUANTIZED");
    }

    @Test
    void modelFactsComeFromTheConversionMetadata() throws IOException {
        Path out = convert();
        try (ModelDirectory model = ModelDirectory.open(out)) {
            ModelFacts facts = ModelFacts.of(null, model);

            assertThat(facts).isEqualTo(new ModelFacts("tiny", 4, 32, "gpu", "float16", false, out));
            assertThat(facts.bitsLabel()).isEqualTo("q4");
            assertThat(facts.title()).isEqualTo("tiny q4 g32");
            assertThat(ModelFacts.of("named", model).name()).isEqualTo("named");
        }
        try (ModelDirectory model = ModelDirectory.open(dir.resolve("tiny"))) {
            assertThat(ModelFacts.of(null, model).bitsLabel()).isEqualTo("float");
        }
    }

    private Path convert() throws IOException {
        Path source = TinyBert.builder().intermediate(96).write(dir.resolve("tiny"));
        Path out = dir.resolve("tiny-q4");
        Converter.convert(source, out, ConversionOptions.defaults().withBits(4).withGroupSize(32),
                Converter.Existing.KEEP_OR_REPLACE);
        return out;
    }
}

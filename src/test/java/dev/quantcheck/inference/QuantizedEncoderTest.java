package dev.quantcheck.inference;

import dev.quantcheck.conversion.ModelEntry;
import dev.quantcheck.conversion.ModelsConfig;
import dev.quantcheck.conversion.QualityThresholds;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.StsData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The real MiniLM converted at 8 and 4 bits, run from its packed weights. */
class QuantizedEncoderTest {
    @TempDir
    static Path dir;
    static Encoder fp32;

    @BeforeAll
    static void load() throws IOException {
        fp32 = Encoder.load(BuiltinModels.miniLm());
    }

    @AfterAll
    static void close() throws IOException {
        fp32.close();
    }

    /** The MiniLM converted as config/models.yaml's entry at {@code bits} says. */
    static Path converted(int bits) throws IOException {
        Path out = dir.resolve("q" + bits);
        ModelEntry entry = ModelsConfig.loadDefault().entry("all-minilm-l6-v2", bits);
        Converter.convert(BuiltinModels.miniLm(), out, entry.conversionOptions(), false);
        return out;
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {8, 4})
    void residentBytesStayWithinTenPercentOfTheWeightFile(int bits) throws IOException {
        Path model = converted(bits);
        try (Encoder q = Encoder.load(model)) {
            long file = Files.size(model.resolve("model.safetensors"));
            assertThat((double) q.residentBytes()).isBetween(0.9 * file, 1.1 * file);
        }
    }

    @Test
    void fp32ResidentBytesMatchTheWeightFile() throws IOException {
        long file = Files.size(BuiltinModels.miniLm().resolve("model.safetensors"));
        assertThat((double) fp32.residentBytes()).isBetween(0.9 * file, 1.1 * file);
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {8, 4})
    void embeddingsMeetTheCosineGatesOfModelsYaml(int bits) throws IOException {
        QualityThresholds gates = ModelsConfig.loadDefault().entry("all-minilm-l6-v2", bits).thresholds();
        List<String> texts = StsData.sentences(200);
        float[][] reference = fp32.embed(texts);
        try (Encoder q = Encoder.load(converted(bits))) {
            float[][] candidate = q.embed(texts);
            double sum = 0;
            double min = 1;
            for (int i = 0; i < texts.size(); i++) {
                double c = EncoderVsOnnxRuntimeTest.cosine(reference[i], candidate[i]);
                sum += c;
                min = Math.min(min, c);
            }
            double mean = sum / texts.size();
            assertThat(mean).isGreaterThanOrEqualTo(gates.meanCosine());
            assertThat(min).isGreaterThanOrEqualTo(gates.minCosine());
        }
    }
}

package dev.quantcheck.assertions;

import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.conversion.LayerOverride;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.SafetensorsFile;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.ModelInspector;
import dev.quantcheck.inspection.Verdict;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.testing.TinyBert;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static dev.quantcheck.assertions.QuantCheckAssertions.assertThat;
import static dev.quantcheck.assertions.error.ShouldBeReadableModel.shouldBeReadableModel;
import static dev.quantcheck.assertions.error.ShouldBeSmallerThanMegabytes.shouldBeSmallerThanMegabytes;
import static dev.quantcheck.assertions.error.ShouldBeTrulyQuantized.shouldBeTrulyQuantized;
import static dev.quantcheck.assertions.error.ShouldHaveBits.shouldHaveBits;
import static dev.quantcheck.assertions.error.ShouldHaveCompressionRatioAtLeast.shouldHaveCompressionRatioAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveNoNaNOrInfWeights.shouldHaveNoNaNOrInfWeights;
import static dev.quantcheck.assertions.error.ShouldMeetTargetSize.shouldHaveTargetSize;
import static dev.quantcheck.assertions.error.ShouldMeetTargetSize.shouldMeetTargetSize;
import static dev.quantcheck.assertions.error.ShouldNotBeFakeQuantized.shouldNotBeFakeQuantized;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link QuantizedModelAssert} on the real all-MiniLM-L6-v2: its fp32 original, a true 8-bit conversion and the
 * {@code --fake} 8-bit conversion (the testing plan's v1 bug), both with the target of config/models.yaml (25 MB);
 * and on tiny BERTs for a model with NaN and Inf weights and a MIXED one. Converted once for the class.
 */
class QuantizedModelAssertTest {
    @TempDir
    static Path dir;
    static Path original;
    static Path q8;
    static Path fake;
    static Path broken;
    static Path mixed;
    static InspectionReport originalReport;
    static InspectionReport q8Report;
    static InspectionReport fakeReport;

    @BeforeAll
    static void convert() throws IOException {
        original = BuiltinModels.miniLm();
        ConversionOptions eightBits = ConversionOptions.defaults().withBits(8).withTargetSizeMb(25.0);
        q8 = Converter.convert(original, dir.resolve("q8"), eightBits, false).output();
        fake = Converter.convert(original, dir.resolve("fake"), eightBits.withFake(true), false).output();
        originalReport = inspect(original);
        q8Report = inspect(q8);
        fakeReport = inspect(fake);

        Path tiny = TinyBert.builder().write(dir.resolve("tiny"));
        broken = withNonFiniteWeights(TinyBert.builder().write(dir.resolve("broken")));
        mixed = Converter.convert(tiny, dir.resolve("mixed"), ConversionOptions.defaults().withBits(8)
                .withOverrides(Map.of("encoder.layer.0.intermediate.dense", LayerOverride.KEEP)), false).output();
    }

    static InspectionReport inspect(Path model) throws IOException {
        try (ModelDirectory m = ModelDirectory.open(model)) {
            return ModelInspector.inspect(m);
        }
    }

    /** Puts NaN at [3, 7] of layer 0's query weight and +Inf at [5] of layer 1's output bias. */
    static Path withNonFiniteWeights(Path model) throws IOException {
        Path weights = model.resolve("model.safetensors");
        Path rewritten = model.resolveSibling(model.getFileName() + ".safetensors");
        try (SafetensorsFile in = SafetensorsFile.open(weights)) {
            SafetensorsWriter out = new SafetensorsWriter();
            for (TensorInfo t : in.tensors()) {
                float[] v = in.floats(t.name());
                if (t.name().equals("encoder.layer.0.attention.self.query.weight")) {
                    v[3 * (int) t.dim(1) + 7] = Float.NaN;
                } else if (t.name().equals("encoder.layer.1.output.dense.bias")) {
                    v[5] = Float.POSITIVE_INFINITY;
                }
                out.addFloats(t.name(), DType.F32, t.shape(), v);
            }
            out.write(rewritten);
        }
        Files.move(rewritten, weights, StandardCopyOption.REPLACE_EXISTING);
        return model;
    }

    @Test
    void theModelsAreWhatTheTestsNeed() {
        Assertions.assertThat(q8Report.verdict()).isEqualTo(Verdict.TRUE_QUANTIZED);
        Assertions.assertThat(fakeReport.verdict()).isEqualTo(Verdict.FAKE_QUANTIZED);
        Assertions.assertThat(originalReport.verdict()).isEqualTo(Verdict.NOT_QUANTIZED);
    }

    @Nested
    class ATrue8BitConversion {
        @Test
        void passesEveryCheck() {
            assertThat(q8).isTrulyQuantized().isNotFakeQuantized().hasBits(8).hasCompressionRatioAtLeast(3.5)
                    .isSmallerThanMegabytes(25).meetsTargetSize().hasNoNaNOrInfWeights();
        }

        @Test
        void passesAsAnOpenModelDirectoryToo() throws IOException {
            try (ModelDirectory model = ModelDirectory.open(q8)) {
                assertThat(model).isTrulyQuantized().hasBits(8).isSmallerThanMegabytes(23);
            }
        }

        @Test
        void failsOnOtherBits() {
            assertThatThrownBy(() -> assertThat(q8).hasBits(4))
                    .hasMessage(shouldHaveBits(q8, 4, q8Report).create())
                    .hasMessage("expected " + q8 + " to store its Linear/Embedding weights packed at 4 bits but 39 of "
                            + "39 packed weights have other bits (8 bits: 39), e.g. embeddings.position_embeddings.weight; "
                            + "the inspector says TRUE_QUANTIZED: all 39 Linear/Embedding weights are packed U32 "
                            + "(affine 8-bit, groups of 64); 8.5 bits per weight on average");
        }

        @Test
        void failsOnASizeItDoesNotBeat() throws IOException {
            long bytes = Files.size(q8.resolve("model.safetensors"));
            assertThatThrownBy(() -> assertThat(q8).isSmallerThanMegabytes(20))
                    .hasMessage(shouldBeSmallerThanMegabytes(q8, 20, bytes, q8Report).create())
                    .hasMessage("expected the weight files of " + q8 + " to be smaller than 20 MB but they are 22.9 MB "
                            + "(" + bytes + " bytes, MB = 2^20 bytes); the inspector says " + q8Report.verdictLine());
        }

        @Test
        void failsOnACompressionRatioItDoesNotReach() {
            CompressionRatio ratio = CompressionRatio.fromMetadata(q8Metadata()).orElseThrow();
            assertThatThrownBy(() -> assertThat(q8).hasCompressionRatioAtLeast(4))
                    .hasMessage(shouldHaveCompressionRatioAtLeast(q8, 4, ratio, q8Report).create())
                    .hasMessageStartingWith("expected " + q8 + " to have a compression ratio of at least 4 but it is "
                            + "3.76 (original 86.1 MB / converted 22.9 MB, from conversion_metadata.json); the "
                            + "inspector says TRUE_QUANTIZED: ");
        }

        private com.fasterxml.jackson.databind.JsonNode q8Metadata() {
            try (ModelDirectory m = ModelDirectory.open(q8)) {
                return m.conversionMetadata().orElseThrow();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Nested
    class AFake8BitConversion {
        static final String EVIDENCE = "39 of 39 Linear/Embedding weights are float32 on an 8-bit grid (groups of "
                + "64, up to 256 levels); stored at 32 bits per weight, 4x what 8-bit storage needs; config.json "
                + "declares affine 8-bit, group 64, but no weight is packed";

        @Test
        void isNotTrulyQuantized() {
            assertThatThrownBy(() -> assertThat(fake).isTrulyQuantized())
                    .hasMessage(shouldBeTrulyQuantized(fake, fakeReport).create())
                    .hasMessage("expected " + fake + " to be truly quantized but it is FAKE_QUANTIZED: " + EVIDENCE);
        }

        @Test
        void isFakeQuantized() {
            assertThatThrownBy(() -> assertThat(fake).isNotFakeQuantized())
                    .hasMessage(shouldNotBeFakeQuantized(fake, fakeReport).create())
                    .hasMessage("expected " + fake + " not to be fake quantized but it is FAKE_QUANTIZED: " + EVIDENCE);
        }

        @Test
        void isNotSmallerThanItsOriginal() {
            assertThatThrownBy(() -> assertThat(fake).hasCompressionRatioAtLeast(3))
                    .hasMessage(shouldHaveCompressionRatioAtLeast(fake, 3,
                            new CompressionRatio(1.0, 86.09071350097656, 86.09071350097656, null, true),
                            fakeReport).create())
                    .hasMessage("expected " + fake + " to have a compression ratio of at least 3 but it is 1 (original "
                            + "86.1 MB / converted 86.1 MB, from conversion_metadata.json); the inspector says "
                            + "FAKE_QUANTIZED: " + EVIDENCE);
        }

        @Test
        void missesItsTargetSizeHasNoPackedBitsButHasFiniteWeights() {
            // one soft chain, so that the 2-second inspection of 86 MB of float32 runs once
            SoftQuantCheckAssertions softly = new SoftQuantCheckAssertions();
            softly.assertThat(fake).meetsTargetSize().hasBits(8).hasNoNaNOrInfWeights();
            List<String> messages = SoftQuantCheckAssertionsTest.withoutLocation(softly.errorsCollected());
            Assertions.assertThat(messages).containsExactly(
                    shouldMeetTargetSize(fake, 25, 86.09071350097656, fakeReport).create(),
                    shouldHaveBits(fake, 8, fakeReport).create());
            Assertions.assertThat(messages).containsExactly(
                    "expected " + fake + " to meet its target size of 25 MB but it is 86.1 MB, 3.44x the target "
                            + "(conversion_metadata.json); the inspector says FAKE_QUANTIZED: " + EVIDENCE,
                    "expected " + fake + " to store its Linear/Embedding weights packed at 8 bits but none is "
                            + "packed; the inspector says FAKE_QUANTIZED: " + EVIDENCE);
        }
    }

    @Nested
    class TheFloat32Original {
        @Test
        void isNeitherTrulyNorFakeQuantized() {
            assertThat(original).isNotFakeQuantized().hasNoNaNOrInfWeights().hasCompressionRatioAtLeast(1);
            assertThatThrownBy(() -> assertThat(original).isTrulyQuantized())
                    .hasMessage(shouldBeTrulyQuantized(original, originalReport).create())
                    .hasMessage("expected " + original + " to be truly quantized but it is NOT_QUANTIZED: none of the "
                            + "39 Linear/Embedding weights is packed or on a quantization grid; stored as float32 (32 "
                            + "bits per weight)");
        }

        @Test
        void hasACompressionRatioOfOneAgainstFloat32SayingThereIsNoMetadata() {
            assertThatThrownBy(() -> assertThat(original).hasCompressionRatioAtLeast(3))
                    .hasMessage(shouldHaveCompressionRatioAtLeast(original, 3,
                            CompressionRatio.fromBitsPerWeight(32, false), originalReport).create())
                    .hasMessage("expected " + original + " to have a compression ratio of at least 3 but it is 1 (there "
                            + "is no conversion_metadata.json, so computed against float32 storage: 32 / 32 bits per "
                            + "weight); the inspector says " + originalReport.verdictLine());
        }

        @Test
        void hasNoTargetSize() {
            assertThatThrownBy(() -> assertThat(original).meetsTargetSize())
                    .hasMessage(shouldHaveTargetSize(original, false, originalReport).create())
                    .hasMessage("expected " + original + " to meet its target size but it has no "
                            + "conversion_metadata.json to read it from; the inspector says "
                            + originalReport.verdictLine());
        }

        @Test
        void hasNoBits() {
            assertThatThrownBy(() -> assertThat(original).hasBits(8))
                    .hasMessage(shouldHaveBits(original, 8, originalReport).create());
        }
    }

    @Nested
    class OtherModels {
        @Test
        void nanAndInfWeightsAreNamedWithTheirFirstIndex() throws IOException {
            InspectionReport report = inspect(broken);
            assertThatThrownBy(() -> assertThat(broken).hasNoNaNOrInfWeights())
                    .hasMessage(shouldHaveNoNaNOrInfWeights(broken, report).create())
                    .hasMessage("expected " + broken + " to have no NaN or Inf weights but 2 tensors have some: "
                            + "encoder.layer.0.attention.self.query.weight: 1 NaN, 0 Inf, first NaN at [3, 7]; "
                            + "encoder.layer.1.output.dense.bias: 0 NaN, 1 Inf, first Infinity at [5]; the inspector "
                            + "says " + report.verdictLine());
        }

        @Test
        void aMixedModelIsNotTrulyQuantizedButNotFakeEither() throws IOException {
            InspectionReport report = inspect(mixed);
            Assertions.assertThat(report.verdict()).isEqualTo(Verdict.MIXED);
            assertThat(mixed).isNotFakeQuantized().hasBits(8);
            assertThatThrownBy(() -> assertThat(mixed).isTrulyQuantized())
                    .hasMessage(shouldBeTrulyQuantized(mixed, report).create())
                    .hasMessageStartingWith("expected " + mixed + " to be truly quantized but it is MIXED: ");
        }

        @Test
        void aFolderThatIsNoModelFailsEveryAssertion() {
            Path nothing = dir.resolve("nothing");
            Exception cause = Assertions.catchException(() -> ModelDirectory.open(nothing));
            assertThatThrownBy(() -> assertThat(nothing).isTrulyQuantized())
                    .hasMessage(shouldBeReadableModel(nothing, cause).create())
                    .hasMessage("expected " + nothing + " to be a model folder quantcheck can open but it cannot: "
                            + cause.getMessage());
            assertThatThrownBy(() -> assertThat(nothing).isSmallerThanMegabytes(1))
                    .hasMessage(shouldBeReadableModel(nothing, cause).create());
        }

        @Test
        void aNullPathFails() {
            assertThatThrownBy(() -> assertThat((Path) null).isTrulyQuantized())
                    .isInstanceOf(AssertionError.class).hasMessageContaining("Expecting actual not to be null");
        }
    }
}

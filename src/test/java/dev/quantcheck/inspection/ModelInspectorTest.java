package dev.quantcheck.inspection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantcheck.format.DType;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.ModelWeights;
import dev.quantcheck.format.NonFiniteValues;
import dev.quantcheck.inspection.ModelRewriter.Fake;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.quantization.AffineQuantizer;
import dev.quantcheck.quantization.DTypeCast;
import dev.quantcheck.quantization.FpQuantizer;
import dev.quantcheck.quantization.QuantizationMode;
import dev.quantcheck.quantization.Rounding;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ModelInspectorTest {
    private static final String QUERY = "encoder.layer.0.attention.self.query.weight";
    private static final String INTERMEDIATE = "encoder.layer.1.intermediate.dense.weight";

    @TempDir
    Path dir;

    /** A tiny float BERT whose every width is a multiple of 128, so that every group size fits. */
    private Path tiny(DType dtype) throws IOException {
        return TinyBert.builder().hidden(128).intermediate(256).dtype(dtype)
                .write(dir.resolve("tiny-" + dtype.fileName()));
    }

    private static InspectionReport inspect(Path model) throws IOException {
        return inspect(model, ModelInspector.Detail.SUMMARY);
    }

    private static InspectionReport inspect(Path model, ModelInspector.Detail detail) throws IOException {
        try (ModelDirectory m = ModelDirectory.open(model)) {
            return ModelInspector.inspect(m, detail);
        }
    }

    static Stream<Arguments> everyBitsAndGroupSize() {
        List<Arguments> cases = new ArrayList<>();
        for (int bits : new int[] {2, 3, 4, 5, 6, 8}) {
            for (int groupSize : new int[] {32, 64, 128}) {
                cases.add(Arguments.of(bits, groupSize));
            }
        }
        return cases.stream();
    }

    // ---------------------------------------------------------------- the real model

    @Test
    void theRealMiniLmInFloat32IsNotQuantizedInAnyLayer() throws IOException {
        Path miniLm = BuiltinModels.miniLm();

        long start = System.nanoTime();
        InspectionReport report = inspect(miniLm);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("inspected the real MiniLM (%d weights) in %.2f s%n", report.weights(), seconds);

        assertThat(report.verdict()).isEqualTo(Verdict.NOT_QUANTIZED);
        assertThat(report.layers())
                .allSatisfy(l -> assertThat(l.verdict()).as(l.name()).isEqualTo(Verdict.NOT_QUANTIZED));
        assertThat(report.candidates()).hasSize(39).allSatisfy(l -> {
            assertThat(l.evidence()).as(l.name()).startsWith("float32 values on no 2-8-bit grid in groups of");
            assertThat(l.bits()).isNull();
        });
        assertThat(report.evidence()).isEqualTo("none of the 39 Linear/Embedding weights is packed or on a "
                + "quantization grid; stored as float32 (32 bits per weight)");
        try (ModelWeights weights = ModelWeights.open(miniLm)) {
            assertThat(report.tensorBytes()).isEqualTo(weights.tensorBytes())
                    .isEqualTo(report.layers().stream().mapToLong(LayerReport::bytes).sum())
                    .isEqualTo(report.weights() * 4);
            assertThat(report.layers()).hasSize(weights.names().size());
        }
        assertThat(report.fileBytes()).isEqualTo(Files.size(miniLm.resolve("model.safetensors")));
        assertThat(report.averageBitsPerWeight()).isEqualTo(32.0);
        assertThat(report.nonFinite()).isEmpty();
        assertThat(seconds).isLessThan(10);
    }

    @Test
    void theIncidentTheRealMiniLmFakeQuantizedTo8BitsAndSavedAsFloat32() throws IOException {
        // GIVEN every Linear and Embedding weight of the real model quantized to 8 bits, dequantized, stored as float32
        Path fake = ModelRewriter.from(BuiltinModels.miniLm()).fake(name -> true, Fake.of(8, 64))
                .write(dir.resolve("minilm-fake-q8"));

        // WHEN
        InspectionReport report = inspect(fake);

        // THEN
        assertThat(report.verdict()).isEqualTo(Verdict.FAKE_QUANTIZED);
        assertThat(report.verdictLine()).isEqualTo("FAKE_QUANTIZED: 39 of 39 Linear/Embedding weights are float32 "
                + "on an 8-bit grid (groups of 64, up to 256 levels); stored at 32 bits per weight, 4x what 8-bit "
                + "storage needs");
        assertThat(report.candidates()).allSatisfy(l -> {
            assertThat(l.verdict()).as(l.name()).isEqualTo(Verdict.FAKE_QUANTIZED);
            assertThat(l.bits()).isEqualTo(8);
            assertThat(l.groupSize()).isEqualTo(64);
            assertThat(l.storage()).isEqualTo("F32");
            assertThat(l.grid()).hasValueSatisfying(g -> assertThat(g.fractionOnGrid()).isEqualTo(1.0));
        });
        assertThat(report.tensorBytes()).isEqualTo(inspect(BuiltinModels.miniLm()).tensorBytes());
    }

    @ParameterizedTest(name = "{0}-bit, groups of {1}")
    @CsvSource({"8, 128", "4, 32"})
    void severalRealMiniLmLayersFakedAreFoundWithTheirBitsAndGroupSize(int bits, int groupSize) throws IOException {
        Set<String> faked = Set.of("embeddings.word_embeddings.weight", QUERY,
                "encoder.layer.3.intermediate.dense.weight", "encoder.layer.5.output.dense.weight");
        Path fake = ModelRewriter.from(BuiltinModels.miniLm()).fake(faked::contains, Fake.of(bits, groupSize))
                .write(dir.resolve("minilm-partly-fake"));

        InspectionReport report = inspect(fake);

        assertThat(report.verdict()).isEqualTo(Verdict.FAKE_QUANTIZED);
        assertThat(report.evidence()).startsWith("4 of 39 Linear/Embedding weights are float32 on "
                + (bits == 8 ? "an " : "a ") + bits + "-bit grid (groups of " + groupSize + ", up to " + (1 << bits)
                + " levels)");
        for (LayerReport l : report.candidates()) {
            if (faked.contains(l.name())) {
                assertThat(l.verdict()).as(l.name()).isEqualTo(Verdict.FAKE_QUANTIZED);
                assertThat(l.bits()).as(l.name()).isEqualTo(bits);
                assertThat(l.groupSize()).as(l.name()).isEqualTo(groupSize);
            } else {
                assertThat(l.verdict()).as(l.name()).isEqualTo(Verdict.NOT_QUANTIZED);
            }
        }
    }

    // ---------------------------------------------------------------- true quantization

    @ParameterizedTest(name = "{0}-bit, groups of {1}")
    @MethodSource("everyBitsAndGroupSize")
    void aPackedModelIsTrueQuantizedAtExactlyBitsPlusTwoFp16ParametersPerGroup(int bits, int groupSize)
            throws IOException {
        Path source = tiny(DType.F16);
        Path packed = ModelRewriter.from(source).pack(name -> true, bits, groupSize, DType.F16)
                .write(dir.resolve("packed"));

        InspectionReport report = inspect(packed);

        assertThat(report.verdict()).isEqualTo(Verdict.TRUE_QUANTIZED);
        assertThat(report.evidence()).isEqualTo("all 15 Linear/Embedding weights are packed U32 (affine " + bits
                + "-bit, groups of " + groupSize + "); " + ModelInspector.decimal(bits + 32.0 / groupSize)
                + " bits per weight on average");
        assertThat(report.candidates()).hasSize(15).allSatisfy(l -> {
            assertThat(l.verdict()).isEqualTo(Verdict.TRUE_QUANTIZED);
            assertThat(l.storage()).isEqualTo("U32 packed");
            assertThat(l.mode()).isEqualTo("affine");
            assertThat(l.bits()).isEqualTo(bits);
            assertThat(l.groupSize()).isEqualTo(groupSize);
            assertThat(l.bitsPerWeight()).isEqualTo(bits + 2 * 16.0 / groupSize);
            assertThat(l.tensors()).hasSize(3);
        });
        LayerReport query = report.layer(QUERY);
        assertThat(query.shape()).containsExactly(128L, 128L);
        assertThat(query.bytes()).isEqualTo(128L * 128 * bits / 8 + 2L * 128 * (128 / groupSize) * 2);
        assertThat(report.layer("embeddings.LayerNorm.weight").verdict()).isEqualTo(Verdict.NOT_QUANTIZED);
        assertThat(report.layer("embeddings.LayerNorm.weight").candidate()).isFalse();
        try (ModelWeights weights = ModelWeights.open(packed)) {
            assertThat(report.tensorBytes()).isEqualTo(weights.tensorBytes())
                    .isEqualTo(report.layers().stream().mapToLong(LayerReport::bytes).sum());
        }
        assertThat(report.weights()).isEqualTo(inspect(source).weights());
    }

    @ParameterizedTest(name = "{0} scales")
    @CsvSource({"BF16, 16", "F32, 32"})
    void scalesAndBiasesCountAtTheirOwnWidth(DType dtype, int scaleBits) throws IOException {
        Path packed = ModelRewriter.from(tiny(dtype)).pack(name -> true, 4, 64, dtype).write(dir.resolve("packed"));

        InspectionReport report = inspect(packed);

        assertThat(report.candidates()).allSatisfy(l -> assertThat(l.bitsPerWeight())
                .isEqualTo(4 + 2.0 * scaleBits / 64));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"MXFP4, 4.25", "MXFP8, 8.25", "NVFP4, 4.5"})
    void fpModesArePackedToo(QuantizationMode mode, double bitsPerWeight) throws IOException {
        Path source = tiny(DType.F32);
        Path packed = ModelRewriter.from(source).packFp(name -> true, mode).write(dir.resolve("fp"));
        float[] weights;
        try (ModelWeights w = ModelWeights.open(source)) {
            weights = w.floats(INTERMEDIATE);
        }
        float[] dequantized = FpQuantizer.dequantize(FpQuantizer.quantize(weights, 256, 128, mode));

        InspectionReport report = inspect(packed, ModelInspector.Detail.STATISTICS);

        assertThat(report.verdict()).isEqualTo(Verdict.TRUE_QUANTIZED);
        assertThat(report.candidates()).allSatisfy(l -> {
            assertThat(l.mode()).isEqualTo(mode.configName());
            assertThat(l.bitsPerWeight()).isEqualTo(bitsPerWeight);
            assertThat(l.tensors()).hasSize(2);
        });
        LayerStatistics stats = report.layer(INTERMEDIATE).statistics().orElseThrow();
        if (mode == QuantizationMode.NVFP4) {
            assertThat(stats.min()).isNaN();
        } else {
            assertThat(stats.min()).isEqualTo(min(dequantized));
            assertThat(stats.max()).isEqualTo(max(dequantized));
        }
    }

    // ---------------------------------------------------------------- fake quantization

    @ParameterizedTest(name = "{0}-bit, groups of {1}")
    @MethodSource("everyBitsAndGroupSize")
    void aFakeAtEveryBitsAndGroupSizeIsFakeQuantizedInBothRoundings(int bits, int groupSize) throws IOException {
        Path source = tiny(DType.F32);
        for (Rounding rounding : Rounding.values()) {
            Path fake = ModelRewriter.from(source).fake(name -> true, Fake.of(bits, groupSize).rounding(rounding))
                    .write(dir.resolve("fake-" + rounding));

            InspectionReport report = inspect(fake);

            assertThat(report.verdict()).as("%s", rounding).isEqualTo(Verdict.FAKE_QUANTIZED);
            assertThat(report.candidates()).hasSize(15).allSatisfy(l -> {
                assertThat(l.verdict()).as("%s %s", rounding, l.name()).isEqualTo(Verdict.FAKE_QUANTIZED);
                assertThat(l.bits()).as("%s %s", rounding, l.name()).isEqualTo(bits);
                assertThat(l.groupSize()).as("%s %s", rounding, l.name()).isEqualTo(groupSize);
                assertThat(l.bitsPerWeight()).isEqualTo(32.0);
            });
            assertThat(report.evidence()).startsWith("15 of 15 Linear/Embedding weights are float32 on a");
        }
    }

    @Test
    void aFloatModelWhoseConfigClaimsQuantizationSaysSo() throws IOException {
        Path fake = ModelRewriter.from(tiny(DType.F32)).fake(name -> true, Fake.of(8, 64))
                .write(dir.resolve("fake"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(fake.resolve("config.json").toFile());
        config.putObject("quantization").put("group_size", 64).put("bits", 8);
        json.writeValue(fake.resolve("config.json").toFile(), config);

        InspectionReport report = inspect(fake);

        assertThat(report.verdict()).isEqualTo(Verdict.FAKE_QUANTIZED);
        assertThat(report.evidence()).endsWith("4x what 8-bit storage needs; config.json declares affine 8-bit, "
                + "group 64, but no weight is packed");
    }

    @Test
    void aFloat16FakeIsStoredAt16BitsPerWeight() throws IOException {
        Path fake = ModelRewriter.from(tiny(DType.F16)).fake(name -> true, Fake.of(4, 64).stored(DType.F16))
                .write(dir.resolve("fake16"));

        InspectionReport report = inspect(fake);

        assertThat(report.verdictLine()).isEqualTo("FAKE_QUANTIZED: 15 of 15 Linear/Embedding weights are float16 "
                + "on a 4-bit grid (groups of 64, up to 16 levels); stored at 16 bits per weight, 4x what 4-bit "
                + "storage needs");
    }

    @Test
    void anEightBitGridInBfloat16CannotBeToldAndTheEvidenceSaysSo() throws IOException {
        Path fake = ModelRewriter.from(tiny(DType.BF16)).fake(name -> true, Fake.of(8, 64).stored(DType.BF16))
                .write(dir.resolve("fake-bf16"));

        InspectionReport report = inspect(fake);

        assertThat(report.verdict()).isEqualTo(Verdict.NOT_QUANTIZED);
        assertThat(report.layer(INTERMEDIATE).evidence()).startsWith("bfloat16")
                .containsPattern("in \\d+ groups a grid, if any, could not be told from BF16's own rounding");
    }

    // ---------------------------------------------------------------- mixed

    @Test
    void somePackedSomeFakeSomeFloatIsMixed() throws IOException {
        // GIVEN attention packed at 4 bits, intermediate layers faked at 8 bits, everything else float
        Path mixed = ModelRewriter.from(tiny(DType.F16))
                .pack(name -> name.contains(".attention."), 4, 64, DType.F16)
                .fake(name -> name.contains(".intermediate."), Fake.of(8, 64).stored(DType.F16))
                .write(dir.resolve("mixed"));

        // WHEN
        InspectionReport report = inspect(mixed);

        // THEN
        assertThat(report.verdict()).isEqualTo(Verdict.MIXED);
        assertThat(report.evidence()).isEqualTo("8 of 15 Linear/Embedding weights are packed U32 (affine 4-bit, "
                + "groups of 64), 7 are not: 2 fake-quantized float16 (" + INTERMEDIATE.replace("1.", "0.") + ", "
                + INTERMEDIATE + "), 5 plain float16 (embeddings.position_embeddings.weight, "
                + "embeddings.token_type_embeddings.weight, embeddings.word_embeddings.weight, ... 2 more)");
        assertThat(report.layer(INTERMEDIATE).verdict()).isEqualTo(Verdict.FAKE_QUANTIZED);
        assertThat(report.layer(QUERY).verdict()).isEqualTo(Verdict.TRUE_QUANTIZED);
    }

    @Test
    void withoutCandidatesTheModelsVerdictIgnoresLayerNormsAndBiases() throws IOException {
        Path packed = ModelRewriter.from(tiny(DType.F16)).pack(name -> true, 8, 32, DType.F16).write(dir.resolve("p"));

        InspectionReport report = inspect(packed);

        assertThat(report.verdict()).isEqualTo(Verdict.TRUE_QUANTIZED);
        assertThat(report.layers()).filteredOn(l -> !l.candidate()).isNotEmpty()
                .allSatisfy(l -> assertThat(l.verdict()).isEqualTo(Verdict.NOT_QUANTIZED));
    }

    // ---------------------------------------------------------------- NaN and Inf

    @Test
    void nanAndInfAreReportedPerTensorWithTheFirstIndex() throws IOException {
        // GIVEN a float weight with two NaN and an Inf, a LayerNorm bias with -Inf, and a packed layer with a NaN scale
        Path source = tiny(DType.F16);
        Path broken = ModelRewriter.from(source)
                .edit(QUERY, w -> {
                    w[3 * 128 + 7] = Float.NaN;
                    w[5 * 128] = Float.POSITIVE_INFINITY;
                    w[10 * 128 + 1] = Float.NaN;
                    return w;
                })
                .edit("embeddings.LayerNorm.bias", b -> {
                    b[17] = Float.NEGATIVE_INFINITY;
                    return b;
                })
                .pack(name -> name.equals(INTERMEDIATE), 4, 64, DType.F16)
                .write(dir.resolve("broken"));
        Path withNanScale = ModelRewriter.from(broken)
                .edit("encoder.layer.1.intermediate.dense.scales", s -> {
                    s[1 * 2] = Float.NaN;
                    return s;
                })
                .write(dir.resolve("broken-scales"));

        // WHEN
        InspectionReport report = inspect(withNanScale);

        // THEN
        assertThat(report.nonFinite()).containsExactly(
                new NonFiniteValues("embeddings.LayerNorm.bias", 0, 1, List.of(17L), Float.NEGATIVE_INFINITY),
                new NonFiniteValues(QUERY, 2, 1, List.of(3L, 7L), Float.NaN),
                new NonFiniteValues("encoder.layer.1.intermediate.dense.scales", 1, 0, List.of(1L, 0L), Float.NaN));
        assertThat(report.layer(QUERY).nanCount()).isEqualTo(2);
        assertThat(report.layer(QUERY).infCount()).isEqualTo(1);
        assertThat(report.layer(INTERMEDIATE).nanCount()).isEqualTo(1);
        assertThat(report.layer(QUERY).verdict()).isEqualTo(Verdict.NOT_QUANTIZED);
    }

    @Test
    void aNanInAFakeLayerIsReportedAndTheLayerIsStillFake() throws IOException {
        Path fake = ModelRewriter.from(tiny(DType.F32)).fake(name -> true, Fake.of(4, 32)).write(dir.resolve("fake"));
        Path broken = ModelRewriter.from(fake).edit(QUERY, w -> {
            w[2 * 128 + 100] = Float.NaN;
            return w;
        }).write(dir.resolve("broken"));

        LayerReport query = inspect(broken).layer(QUERY);

        assertThat(query.verdict()).isEqualTo(Verdict.FAKE_QUANTIZED);
        assertThat(query.nonFinite()).singleElement().satisfies(n -> {
            assertThat(n.firstIndex()).containsExactly(2L, 100L);
            assertThat(n.nanCount()).isEqualTo(1);
        });
        assertThat(query.grid().orElseThrow().informativeGroups()).isEqualTo(query.grid().orElseThrow().groups() - 1);
    }

    // ---------------------------------------------------------------- statistics

    @Test
    void statisticsOfAPackedLayerAreThoseOfItsDequantizedValues() throws IOException {
        Path source = tiny(DType.F16);
        Path packed = ModelRewriter.from(source).pack(name -> true, 3, 32, DType.F16).write(dir.resolve("packed"));
        float[] weights;
        try (ModelWeights w = ModelWeights.open(source)) {
            weights = w.floats(INTERMEDIATE);
        }
        float[] dequantized = AffineQuantizer.dequantize(AffineQuantizer.quantize(DTypeCast.round(weights, DType.F16),
                256, 128, 3, 32, DType.F16));

        LayerStatistics stats = inspect(packed, ModelInspector.Detail.STATISTICS).layer(INTERMEDIATE).statistics()
                .orElseThrow();

        assertThat(stats.min()).isEqualTo(min(dequantized));
        assertThat(stats.max()).isEqualTo(max(dequantized));
        assertThat(stats.distinct()).isEmpty();
    }

    @Test
    void statisticsOfFloatLayersCountDistinctValuesPerGroup() throws IOException {
        Path source = tiny(DType.F32);
        Path fake = ModelRewriter.from(source).fake(name -> name.equals(QUERY), Fake.of(4, 128))
                .write(dir.resolve("fake"));

        InspectionReport report = inspect(fake, ModelInspector.Detail.STATISTICS);

        LayerStatistics.DistinctValues fakeGroups = report.layer(QUERY).statistics().orElseThrow().distinct()
                .orElseThrow();
        assertThat(fakeGroups.groupSize()).isEqualTo(128);
        assertThat(fakeGroups.max()).isLessThanOrEqualTo(16);
        LayerStatistics.DistinctValues realGroups = report.layer(INTERMEDIATE).statistics().orElseThrow().distinct()
                .orElseThrow();
        assertThat(realGroups.groupSize()).isEqualTo(64);
        assertThat(realGroups.max()).isEqualTo(64);
        assertThat(realGroups.median()).isEqualTo(64.0);
        assertThat(inspect(fake).layer(QUERY).statistics()).isEmpty();
    }

    @Test
    void layersAreInNameOrderWithNumbersComparedAsNumbers() {
        List<String> names = new ArrayList<>(List.of("encoder.layer.10.a", "encoder.layer.2.b", "embeddings.x",
                "encoder.layer.2.a", "encoder.layer.1.z"));

        names.sort(ModelInspector.NaturalOrder.INSTANCE);

        assertThat(names).containsExactly("embeddings.x", "encoder.layer.1.z", "encoder.layer.2.a",
                "encoder.layer.2.b", "encoder.layer.10.a");
    }

    private static float min(float[] values) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static float max(float[] values) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}

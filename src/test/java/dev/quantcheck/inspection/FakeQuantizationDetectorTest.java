package dev.quantcheck.inspection;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.ModelWeights;
import dev.quantcheck.inspection.FakeQuantizationDetector.Detection;
import dev.quantcheck.inspection.FakeQuantizationDetector.GroupTally;
import dev.quantcheck.inspection.ModelRewriter.Fake;
import dev.quantcheck.models.BuiltinModels;
import dev.quantcheck.quantization.AffineQuantizer;
import dev.quantcheck.quantization.DTypeCast;
import dev.quantcheck.quantization.QuantizedTensor;
import dev.quantcheck.quantization.Rounding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeQuantizationDetectorTest {
    private static final int ROWS = 48;
    private static final int COLS = 384;

    static float[] gaussian(int n, double sigma, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double u = 1 - random.nextDouble();
            out[i] = (float) (sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return out;
    }

    static Stream<Arguments> everyBitsAndGroupSize() {
        List<Arguments> cases = new ArrayList<>();
        for (int bits : new int[] {2, 3, 4, 5, 6, 8}) {
            for (int groupSize : new int[] {32, 64, 128}) {
                for (Rounding rounding : Rounding.values()) {
                    cases.add(Arguments.of(bits, groupSize, rounding));
                }
            }
        }
        return cases.stream();
    }

    // ---------------------------------------------------------------- fakes are caught

    @ParameterizedTest(name = "{0}-bit, groups of {1}, {2} rounding")
    @MethodSource("everyBitsAndGroupSize")
    void aFloat32FakeIsCaughtWithItsBitsAndGroupSize(int bits, int groupSize, Rounding rounding) {
        // GIVEN trained-looking weights quantized and dequantized as MLX would, stored as float32
        float[] fake = Fake.of(bits, groupSize).rounding(rounding).apply(gaussian(ROWS * COLS, 0.05, bits), ROWS, COLS);

        // WHEN
        Detection detection = FakeQuantizationDetector.detect(fake, ROWS, COLS, DType.F32);

        // THEN
        assertThat(detection.grid()).hasValueSatisfying(grid -> {
            assertThat(grid.bits()).isEqualTo(bits);
            assertThat(grid.groupSize()).isEqualTo(groupSize);
            assertThat(grid.onGridGroups()).isEqualTo(grid.informativeGroups()).isEqualTo(grid.groups());
            assertThat(grid.maxDistinct()).isLessThanOrEqualTo(Math.min(1 << bits, groupSize)).isGreaterThan(2);
            assertThat(grid.medianStep()).isPositive();
        });
    }

    @Test
    void aGroupOf32FakeFailsAt128And64AndPassesAt32() {
        float[] fake = Fake.of(4, 32).apply(gaussian(ROWS * COLS, 0.05, 1), ROWS, COLS);

        Detection detection = FakeQuantizationDetector.detect(fake, ROWS, COLS, DType.F32);

        assertThat(detection.tallies()).extracting(GroupTally::groupSize).containsExactly(128, 64, 32);
        assertThat(detection.tallies().subList(0, 2)).allSatisfy(t -> assertThat(t.stoppedEarly()).isTrue());
        assertThat(detection.grid()).hasValueSatisfying(g -> assertThat(g.groupSize()).isEqualTo(32));
    }

    @Test
    void onceALargerSizePassesASmallerOneIsOnlySampled() {
        int rows = 1024;
        float[] fake = Fake.of(8, 128).apply(gaussian(rows * COLS, 0.05, 3), rows, COLS);

        Detection detection = FakeQuantizationDetector.detect(fake, rows, COLS, DType.F32);

        assertThat(detection.grid()).hasValueSatisfying(g -> assertThat(g.groupSize()).isEqualTo(128));
        assertThat(detection.tallies()).extracting(GroupTally::groupSize, GroupTally::sampled)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(128, false),
                        org.assertj.core.groups.Tuple.tuple(64, true), org.assertj.core.groups.Tuple.tuple(32, true));
        assertThat(detection.tallies().get(2).onGrid()).isLessThanOrEqualTo(FakeQuantizationDetector.SAMPLE_GROUPS);
    }

    @Test
    void theMedianStepIsTheQuantizersMedianScale() {
        float[] weights = gaussian(ROWS * COLS, 0.05, 2);
        QuantizedTensor q = AffineQuantizer.quantize(weights, ROWS, COLS, 8, 128, DType.F32);
        float[] scales = q.scales().clone();
        for (int i = 0; i < scales.length; i++) {
            scales[i] = Math.abs(scales[i]);
        }
        java.util.Arrays.sort(scales);
        double medianScale = (scales[scales.length / 2 - 1] + (double) scales[scales.length / 2]) / 2;

        GridEvidence grid = FakeQuantizationDetector.detect(AffineQuantizer.dequantize(q), ROWS, COLS, DType.F32)
                .grid().orElseThrow();

        assertThat(grid.medianStep()).isCloseTo(medianScale, org.assertj.core.data.Percentage.withPercentage(0.01));
        assertThat(grid.bits()).isEqualTo(8);
        assertThat(grid.groupSize()).isEqualTo(128);
    }

    @ParameterizedTest(name = "{0}-bit, groups of {1}")
    @CsvSource({"2, 32", "2, 64", "3, 32", "3, 64", "4, 32", "8, 64"})
    void mergedGroupsOfATinyMatrixFittingACommonGridByCoincidenceDoNotWin(int bits, int groupSize) {
        // a token-type embedding [2, 128]: at 128, two merged groups of few levels can share a fine common step
        for (long seed = 0; seed < 20; seed++) {
            float[] fake = Fake.of(bits, groupSize).apply(gaussian(2 * 128, 0.05, seed), 2, 128);

            Detection detection = FakeQuantizationDetector.detect(fake, 2, 128, DType.F32);

            assertThat(detection.grid()).as("seed %d", seed).hasValueSatisfying(g -> {
                assertThat(g.groupSize()).isEqualTo(groupSize);
                assertThat(g.bits()).isEqualTo(bits);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void a4BitFakeStoredIn16BitsIsCaught(DType dtype) {
        float[] weights = gaussian(ROWS * COLS, 0.05, 7);

        Fake inFloat32 = Fake.of(4, 64).stored(dtype);
        for (Fake fake : List.of(inFloat32, inFloat32.dequantizedInStoredType())) {
            Detection detection = FakeQuantizationDetector.detect(fake.apply(weights, ROWS, COLS), ROWS, COLS, dtype);

            assertThat(detection.grid()).as("%s", fake).hasValueSatisfying(g -> {
                assertThat(g.bits()).isEqualTo(4);
                assertThat(g.groupSize()).isEqualTo(64);
            });
        }
    }

    @Test
    void anF16FakeAt6BitsIsCaughtEvenWhenDequantizedInF16() {
        float[] fake = Fake.of(6, 32).stored(DType.F16).dequantizedInStoredType()
                .apply(gaussian(ROWS * COLS, 0.05, 8), ROWS, COLS);

        assertThat(FakeQuantizationDetector.detect(fake, ROWS, COLS, DType.F16).grid())
                .hasValueSatisfying(g -> assertThat(g.bits()).isEqualTo(6));
    }

    @Test
    void float32ThatWasDequantizedInF16IsJudgedWithF16sRounding() {
        // mx.dequantize with fp16 scales returns fp16; a converter then saved .astype(float32)
        float[] viaF16 = Fake.of(8, 64).stored(DType.F16).dequantizedInStoredType()
                .apply(gaussian(ROWS * COLS, 0.05, 9), ROWS, COLS);

        Detection detection = FakeQuantizationDetector.detect(viaF16, ROWS, COLS, DType.F32);

        assertThat(detection.grid()).hasValueSatisfying(g -> {
            assertThat(g.bits()).isEqualTo(8);
            assertThat(g.groupSize()).isEqualTo(64);
        });
    }

    @Test
    void anEightBitGridInBf16CannotBeToldFromBf16sOwnRoundingAndIsNeverCalledFake() {
        float[] fake = Fake.of(8, 64).stored(DType.BF16).apply(gaussian(ROWS * COLS, 0.05, 10), ROWS, COLS);

        Detection detection = FakeQuantizationDetector.detect(fake, ROWS, COLS, DType.BF16);

        assertThat(detection.grid()).isEmpty();
        assertThat(detection.tallies()).anySatisfy(t -> assertThat(t.indistinguishable()).isPositive());
    }

    // ---------------------------------------------------------------- real weights are not

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void trainedLookingWeightsAreOnNoGrid(DType dtype) {
        for (long seed = 0; seed < 5; seed++) {
            float[] weights = DTypeCast.round(gaussian(ROWS * COLS, 0.05, seed), dtype);

            Detection detection = FakeQuantizationDetector.detect(weights, ROWS, COLS, dtype);

            assertThat(detection.grid()).as("seed %d", seed).isEmpty();
            assertThat(detection.tallies()).hasSize(3).allSatisfy(t -> assertThat(t.offGrid()).isPositive());
        }
    }

    @ParameterizedTest(name = "as {0}")
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void everyLinearAndEmbeddingWeightOfTheRealMiniLmIsOnNoGrid(DType dtype) throws IOException {
        // the real fp32 weights, and the same rounded to F16 / BF16 (judged both as that type and as upcast F32)
        try (ModelWeights weights = ModelWeights.open(BuiltinModels.miniLm())) {
            int checked = 0;
            for (String name : weights.names()) {
                var info = weights.info(name);
                if (info.rank() == 2 && name.endsWith(".weight")) {
                    float[] values = DTypeCast.round(weights.floats(name), dtype);
                    int rows = (int) info.dim(0);
                    int cols = (int) info.dim(1);
                    assertThat(FakeQuantizationDetector.detect(values, rows, cols, dtype).grid()).as(name).isEmpty();
                    assertThat(FakeQuantizationDetector.detect(values, rows, cols, DType.F32).grid()).as(name)
                            .isEmpty();
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(39);
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {8, 4})
    void realMiniLmLayersFakedAreCaughtWithTheirBitsAndGroupSize(int bits) throws IOException {
        List<String> layers = List.of("encoder.layer.0.attention.self.query.weight",
                "encoder.layer.2.intermediate.dense.weight", "encoder.layer.5.output.dense.weight",
                "embeddings.position_embeddings.weight");
        try (ModelWeights weights = ModelWeights.open(BuiltinModels.miniLm())) {
            for (String name : layers) {
                var info = weights.info(name);
                int rows = (int) info.dim(0);
                int cols = (int) info.dim(1);
                for (int groupSize : new int[] {32, 64, 128}) {
                    float[] fake = Fake.of(bits, groupSize).apply(weights.floats(name), rows, cols);

                    Detection d = FakeQuantizationDetector.detect(fake, rows, cols, DType.F32);

                    assertThat(d.grid()).as("%s gs %d", name, groupSize).hasValueSatisfying(g -> {
                        assertThat(g.bits()).isEqualTo(bits);
                        assertThat(g.groupSize()).isEqualTo(groupSize);
                        assertThat(g.fractionOnGrid()).isEqualTo(1.0);
                    });
                }
            }
        }
    }

    // ---------------------------------------------------------------- the rules at the edges

    @Test
    void groupsWithFewerThanThreeDistinctValuesCountNeitherWay() {
        float[] fake = Fake.of(4, 64).apply(gaussian(ROWS * COLS, 0.05, 11), ROWS, COLS);
        for (int row = 0; row < ROWS; row += 2) {
            java.util.Arrays.fill(fake, row * COLS, (row + 1) * COLS, row % 4 == 0 ? 0f : 0.5f);
        }

        GridEvidence grid = FakeQuantizationDetector.detect(fake, ROWS, COLS, DType.F32).grid().orElseThrow();

        assertThat(grid.informativeGroups()).isEqualTo(grid.groups() / 2);
        assertThat(FakeQuantizationDetector.detect(new float[ROWS * COLS], ROWS, COLS, DType.F32).grid()).isEmpty();
    }

    @Test
    void ninetyNinePercentOfTheInformativeGroupsMustBeOnTheGrid() {
        // 48 rows x 6 groups of 64 = 288 groups; 1% allows 2 off the grid, not 3
        float[] fake = Fake.of(4, 64).apply(gaussian(ROWS * COLS, 0.05, 12), ROWS, COLS);
        float[] twoOff = fake.clone();
        float[] threeOff = fake.clone();
        for (int g = 0; g < 3; g++) {
            int group = g * 50;
            if (g < 2) {
                nudgeOffTheGrid(twoOff, group * 64, 64, 4);
            }
            nudgeOffTheGrid(threeOff, group * 64, 64, 4);
        }

        Detection two = FakeQuantizationDetector.detect(twoOff, ROWS, COLS, DType.F32);
        Detection three = FakeQuantizationDetector.detect(threeOff, ROWS, COLS, DType.F32);

        assertThat(two.grid()).hasValueSatisfying(g -> {
            assertThat(g.groupSize()).isEqualTo(64);
            assertThat(g.onGridGroups()).isEqualTo(286);
            assertThat(g.informativeGroups()).isEqualTo(288);
        });
        // at 64 the third stray group fails the layer; at 32 it is 3 of 576 groups, within 1%
        assertThat(three.tallies().get(1).groupSize()).isEqualTo(64);
        assertThat(three.tallies().get(1).stoppedEarly()).isTrue();
        assertThat(three.grid()).hasValueSatisfying(g -> {
            assertThat(g.groupSize()).isEqualTo(32);
            assertThat(g.onGridGroups()).isEqualTo(573);
        });
    }

    /** Moves one inner value of the group 0.37 of a step, so that the group is on no grid. */
    private static void nudgeOffTheGrid(float[] values, int from, int groupSize, int bits) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + groupSize; i++) {
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
        }
        float step = (max - min) / ((1 << bits) - 1);
        for (int i = from; i < from + groupSize; i++) {
            if (values[i] != min && values[i] != max) {
                values[i] += 0.3719f * step;
                return;
            }
        }
        throw new IllegalStateException("no inner value in the group at " + from);
    }

    @Test
    void ternaryWeightsAreATwoBitGrid() {
        float[] ternary = new float[ROWS * COLS];
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < ternary.length; i++) {
            ternary[i] = 0.02f * (random.nextInt(3) - 1);
        }

        assertThat(FakeQuantizationDetector.detect(ternary, ROWS, COLS, DType.F32).grid())
                .hasValueSatisfying(g -> assertThat(g.bits()).isEqualTo(2));
    }

    @Test
    void groupsWithNanOrInfAreSkippedAndTheRestStillDecide() {
        float[] fake = Fake.of(8, 128).apply(gaussian(ROWS * COLS, 0.05, 14), ROWS, COLS);
        fake[3 * COLS + 7] = Float.NaN;
        fake[9 * COLS] = Float.POSITIVE_INFINITY;

        GridEvidence grid = FakeQuantizationDetector.detect(fake, ROWS, COLS, DType.F32).grid().orElseThrow();

        assertThat(grid.informativeGroups()).isEqualTo(grid.groups() - 2);
    }

    @Test
    void aWidthThatNoGroupSizeDividesHasNothingToCheck() {
        Detection detection = FakeQuantizationDetector.detect(new float[3 * 30], 3, 30, DType.F32);

        assertThat(detection.grid()).isEmpty();
        assertThat(detection.tallies()).isEmpty();
    }

    @Test
    void onlyFloatWeightTypesAndMatchingShapesAreAccepted() {
        assertThatThrownBy(() -> FakeQuantizationDetector.detect(new float[4], 2, 2, DType.I8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("I8 is not a float weight type");
        assertThatThrownBy(() -> FakeQuantizationDetector.detect(new float[4], 2, 3, DType.F32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match 4 values");
    }

    @Test
    void theDtypesSpacingIsItsUlp() {
        assertThat(FakeQuantizationDetector.ulp(1.0, DType.F32)).isEqualTo(0x1p-23);
        assertThat(FakeQuantizationDetector.ulp(1.0, DType.F16)).isEqualTo(0x1p-10);
        assertThat(FakeQuantizationDetector.ulp(1.0, DType.BF16)).isEqualTo(0x1p-7);
        assertThat(FakeQuantizationDetector.ulp(1e-9, DType.F16)).isEqualTo(0x1p-24);
    }
}

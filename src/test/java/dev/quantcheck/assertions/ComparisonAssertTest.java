package dev.quantcheck.assertions;

import dev.quantcheck.conversion.QualityThresholds;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.Embeddings;
import dev.quantcheck.metrics.GateCheck;
import dev.quantcheck.testing.BuiltinTexts;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.quantcheck.assertions.QuantCheckAssertions.assertThat;
import static dev.quantcheck.assertions.error.ShouldHaveMaxAbsDiffAtMost.shouldHaveMaxAbsDiffAtMost;
import static dev.quantcheck.assertions.error.ShouldHaveMeanCosineAtLeast.shouldHaveMeanCosineAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveMinCosineAtLeast.shouldHaveMinCosineAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveMseAtMost.shouldHaveMseAtMost;
import static dev.quantcheck.assertions.error.ShouldHaveNoNaNOrInf.shouldHaveNoNaNOrInf;
import static dev.quantcheck.assertions.error.ShouldHavePercentileCosineAtLeast.shouldHavePercentileCosineAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveSameShape.shouldHaveSameShape;
import static dev.quantcheck.assertions.error.ShouldHaveSpearmanAtLeast.shouldHaveSpearmanAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveStsSpearmanAtLeast.shouldHaveStsPairs;
import static dev.quantcheck.assertions.error.ShouldHaveStsSpearmanAtLeast.shouldHaveStsSpearmanAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveTopKOverlapAtLeast.shouldHaveTopKOverlapAtLeast;
import static dev.quantcheck.assertions.error.ShouldMeetThresholds.shouldMeetThresholds;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every {@link ComparisonAssert} assertion, passing and failing; each failure's message is checked twice: against
 * the factory that builds it and, to pin the format, word for word. Embeddings are synthetic (the encoder is not
 * part of this package): unit vectors with chosen cosines, and random 384-d unit vectors with noise; the texts are
 * the project's own.
 */
class ComparisonAssertTest {
    static final String TOMATO = "The chef slices a ripe tomato.";
    static final String ONIONS = "A cook chops three onions.";
    static final String SKATEBOARD = "A teenager on a red skateboard hops onto the kerb outside the bakery and "
            + "rolls away.";
    static final String SKATEBOARD_CUT = "A teenager on a red skateboard hops onto the kerb outside...";
    static final List<String> TEXTS = List.of(TOMATO, "A girl braids her sister's hair.", ONIONS,
            "A drummer keeps time at the back of the stage.", SKATEBOARD, "A girl brushes her long hair before school.", "A man plays an old guitar on the porch.",
            "A woman plays the guitar by the fire.", "A young panda tumbles down a grassy slope.", "A panda cub slides down the hill.");

    /** Ten texts, three of them poorly reproduced: cosines 0.801, 0.85, 0.87 and seven 0.999; mean 0.9514 (GOOD). */
    static EmbeddingComparison good() {
        float[][][] m = Embeddings.withCosines(4, 0.801, 0.999, 0.85, 0.999, 0.87, 0.999, 0.999, 0.999, 0.999, 0.999);
        return EmbeddingComparison.of(TEXTS, m[0], m[1]);
    }

    /** 200 texts of the built-in corpus as random 384-d unit vectors; the candidate adds noise, as 8-bit quantization does. */
    static EmbeddingComparison realistic(double noise) {
        List<String> texts = BuiltinTexts.first(200);
        float[][] reference = Embeddings.random(texts.size(), 384, 7);
        return EmbeddingComparison.of(texts, reference, Embeddings.perturbed(reference, noise, 8));
    }

    static final String WORST3 = "worst: 0.801 '" + TOMATO + "', 0.85 '" + ONIONS + "', 0.87 '" + SKATEBOARD_CUT + "'";

    @Nested
    class HasMeanCosineAtLeast {
        @Test
        void succeedsAtOrBelowTheMean() {
            assertThat(good()).hasMeanCosineAtLeast(0.95).hasMeanCosineAtLeast(0.9);
        }

        @Test
        void failsAboveTheMeanNamingBandShortfallAndWorstTexts() {
            EmbeddingComparison c = good();
            assertThatThrownBy(() -> assertThat(c).hasMeanCosineAtLeast(0.99))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage(shouldHaveMeanCosineAtLeast(c, 0.99).create())
                    .hasMessage("expected mean cosine >= 0.99 but was 0.951 (GOOD: 0.95-0.99); 3 of 10 texts below "
                            + "0.99; " + WORST3);
        }

        @Test
        void failsWithTheDescriptionFirst() {
            EmbeddingComparison c = good();
            assertThatThrownBy(() -> assertThat(c).as("q8 vs fp32").hasMeanCosineAtLeast(0.99))
                    .hasMessage("[q8 vs fp32] " + shouldHaveMeanCosineAtLeast(c, 0.99).create());
        }

        @Test
        void failsOnNaNWhichPassesNoThreshold() {
            float[][][] m = Embeddings.withCosines(4, 0.999, 0.999);
            m[1][1][0] = Float.NaN;
            EmbeddingComparison c = EmbeddingComparison.of(List.of(TOMATO, ONIONS), m[0], m[1]);
            assertThatThrownBy(() -> assertThat(c).hasMeanCosineAtLeast(-1))
                    .hasMessage(shouldHaveMeanCosineAtLeast(c, -1).create())
                    .hasMessage("expected mean cosine >= -1 but was NaN (POOR: < 0.90); 1 of 2 texts below -1; "
                            + "worst: NaN '" + ONIONS + "'");
        }

        @Test
        void failsOnMismatchedShapesSayingSo() {
            EmbeddingComparison c = EmbeddingComparison.of(List.of(TOMATO), new float[][] {{1, 0}},
                    new float[][] {{1, 0, 0}});
            assertThatThrownBy(() -> assertThat(c).hasMeanCosineAtLeast(0.99))
                    .hasMessage("expected mean cosine >= 0.99 but was NaN (POOR: < 0.90); 1 of 1 text below 0.99; "
                            + "worst: NaN '" + TOMATO + "'; shapes differ: reference 1 x 2, candidate 1 x 3 for 1 "
                            + "texts");
        }

        @Test
        void failsOnANullComparison() {
            assertThatThrownBy(() -> assertThat((EmbeddingComparison) null).hasMeanCosineAtLeast(0.99))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("Expecting actual not to be null");
        }
    }

    @Nested
    class HasMinCosineAtLeast {
        @Test
        void succeedsAtOrBelowTheWorstText() {
            assertThat(good()).hasMinCosineAtLeast(0.8);
        }

        @Test
        void failsAboveTheWorstText() {
            EmbeddingComparison c = good();
            assertThatThrownBy(() -> assertThat(c).hasMinCosineAtLeast(0.9))
                    .hasMessage(shouldHaveMinCosineAtLeast(c, 0.9).create())
                    .hasMessage("expected min cosine >= 0.9 but was 0.801; 3 of 10 texts below 0.9; " + WORST3
                            + "; mean cosine 0.951 (GOOD: 0.95-0.99)");
        }

        @Test
        void listsOnlyTheTextsBelowAndAtMostFive() {
            EmbeddingComparison c = good();
            assertThatThrownBy(() -> assertThat(c).hasMinCosineAtLeast(0.86))
                    .hasMessage("expected min cosine >= 0.86 but was 0.801; 2 of 10 texts below 0.86; worst: 0.801 '"
                            + TOMATO + "', 0.85 '" + ONIONS + "'; mean cosine 0.951 (GOOD: 0.95-0.99)");
            assertThatThrownBy(() -> assertThat(c).hasMinCosineAtLeast(0.9999))
                    .hasMessageContaining("10 of 10 texts below 0.9999; worst: 0.801 '" + TOMATO + "', 0.85 '"
                            + ONIONS + "', 0.87 '" + SKATEBOARD_CUT + "', 0.999 'A girl braids her sister's hair.', "
                            + "0.999 'A drummer keeps time at the back of the stage.'; mean");
        }
    }

    @Nested
    class HasPercentileCosineAtLeast {
        @Test
        void succeedsWhenThePercentileReachesTheThreshold() {
            // sorted: 0.801, 0.85, 0.87, 0.999 x 7; the median is 0.999
            assertThat(good()).hasPercentileCosineAtLeast(50, 0.99).hasPercentileCosineAtLeast(20, 0.86);
        }

        @Test
        void failsWhenItDoesNot() {
            // p20: position 1.8 -> 0.85 + 0.8 * (0.87 - 0.85) = 0.866
            EmbeddingComparison c = good();
            assertThatThrownBy(() -> assertThat(c).hasPercentileCosineAtLeast(20, 0.9))
                    .hasMessage(shouldHavePercentileCosineAtLeast(c, 20, 0.9).create())
                    .hasMessage("expected p20 cosine >= 0.9 but was 0.866; 3 of 10 texts below 0.9; " + WORST3
                            + "; mean cosine 0.951 (GOOD: 0.95-0.99)");
            assertThatThrownBy(() -> assertThat(c).hasPercentileCosineAtLeast(5, 0.9))
                    .hasMessageStartingWith("expected p05 cosine >= 0.9 but was 0.823; ");
        }

        @Test
        void rejectsAPercentileOutsideZeroToHundred() {
            assertThatThrownBy(() -> assertThat(good()).hasPercentileCosineAtLeast(101, 0.9))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class HasMseAtMost {
        @Test
        void succeedsAtOrAboveTheMse() {
            // unit vectors of 4 dimensions: MSE per text = (2 - 2 cos) / 4; overall (0.0995 + 0.075 + 0.065
            // + 7 x 0.0005) / 10 = 0.0243
            assertThat(good()).hasMseAtMost(0.025);
        }

        @Test
        void failsBelowTheMseListingTheWorstTextsByMse() {
            EmbeddingComparison c = good();
            assertThatThrownBy(() -> assertThat(c).hasMseAtMost(0.01))
                    .hasMessage(shouldHaveMseAtMost(c, 0.01).create())
                    .hasMessage("expected MSE <= 0.01 but was 0.0243; 3 of 10 texts above 0.01; worst: 0.0995 '"
                            + TOMATO + "', 0.075 '" + ONIONS + "', 0.065 '" + SKATEBOARD_CUT + "'");
        }
    }

    @Nested
    class HasMaxAbsDiffAtMost {
        @Test
        void succeedsAtOrAboveTheLargestDifference() {
            // the largest is sqrt(1 - 0.801^2) = 0.599, in dimension 1 of the tomato
            assertThat(good()).hasMaxAbsDiffAtMost(0.6);
        }

        @Test
        void failsBelowItSayingWhere() {
            EmbeddingComparison c = good();
            assertThatThrownBy(() -> assertThat(c).hasMaxAbsDiffAtMost(0.5))
                    .hasMessage(shouldHaveMaxAbsDiffAtMost(c, 0.5).create())
                    .hasMessage("expected max absolute difference <= 0.5 but was 0.599 at text 0 '" + TOMATO
                            + "', dimension 1 (reference 0, candidate 0.599); 2 of 10 texts above 0.5");
        }
    }

    @Nested
    class HasNoNaNOrInf {
        @Test
        void succeedsOnFiniteEmbeddings() {
            assertThat(good()).hasNoNaNOrInf();
        }

        @Test
        void failsNamingCountsAndTheFirstOneOfEachSide() {
            float[][][] m = Embeddings.withCosines(4, 0.9, 0.9, 0.9);
            m[1][1][3] = Float.NaN;
            m[1][2][0] = Float.NaN;
            m[1][2][1] = Float.POSITIVE_INFINITY;
            EmbeddingComparison c = EmbeddingComparison.of(List.of(TOMATO, ONIONS, SKATEBOARD), m[0], m[1]);
            assertThatThrownBy(() -> assertThat(c).hasNoNaNOrInf())
                    .hasMessage(shouldHaveNoNaNOrInf(c).create())
                    .hasMessage("expected no NaN or Inf in the embeddings but the candidate has 2 NaN and 1 Inf, "
                            + "the first NaN at text 1 '" + ONIONS + "', dimension 3; the reference has none");
        }

        @Test
        void failsOnTheReferenceToo() {
            float[][][] m = Embeddings.withCosines(4, 0.9, 0.9);
            m[0][0][2] = Float.NEGATIVE_INFINITY;
            EmbeddingComparison c = EmbeddingComparison.of(List.of(TOMATO, ONIONS), m[0], m[1]);
            assertThatThrownBy(() -> assertThat(c).hasNoNaNOrInf())
                    .hasMessage("expected no NaN or Inf in the embeddings but the candidate has none; the reference "
                            + "has 0 NaN and 1 Inf, the first -Infinity at text 0 '" + TOMATO + "', dimension 2");
        }
    }

    @Nested
    class HasSameShape {
        @Test
        void succeedsOnOneRowPerTextOfOneLength() {
            assertThat(good()).hasSameShape();
        }

        @Test
        void failsOnDifferentDimensions() {
            EmbeddingComparison c = EmbeddingComparison.of(List.of("a", "b", "c"), new float[3][2],
                    new float[3][3]);
            assertThatThrownBy(() -> assertThat(c).hasSameShape())
                    .hasMessage(shouldHaveSameShape(c).create())
                    .hasMessage("expected reference and candidate embeddings of one shape, one row per text, but "
                            + "got reference 3 x 2, candidate 3 x 3 for 3 texts");
        }

        @Test
        void failsOnMissingRows() {
            EmbeddingComparison c = EmbeddingComparison.of(List.of("a", "b", "c"), new float[3][2],
                    new float[2][2]);
            assertThatThrownBy(() -> assertThat(c).hasSameShape())
                    .hasMessage("expected reference and candidate embeddings of one shape, one row per text, but "
                            + "got reference 3 x 2, candidate 2 x 2 for 3 texts");
        }
    }

    /** Four texts at 0, 10, 25, 70 degrees; the candidate at 0, 12, 33, 50: Spearman 29/35 = 0.829. */
    static EmbeddingComparison angles() {
        return EmbeddingComparison.of(TEXTS.subList(0, 4), Embeddings.atAngles(3, 0, 10, 25, 70),
                Embeddings.atAngles(3, 0, 12, 33, 50));
    }

    @Nested
    class HasSpearmanAtLeast {
        @Test
        void succeedsWhenThePairsRankAlike() {
            assertThat(angles()).hasSpearmanAtLeast(0.8);
            assertThat(realistic(0.002)).hasSpearmanAtLeast(0.99);
        }

        @Test
        void failsWhenTheyDoNot() {
            EmbeddingComparison c = angles();
            assertThatThrownBy(() -> assertThat(c).hasSpearmanAtLeast(0.9))
                    .hasMessage(shouldHaveSpearmanAtLeast(c, 0.9).create())
                    .hasMessage("expected Spearman correlation of pairwise cosine similarities (reference vs "
                            + "candidate) >= 0.9 but was 0.829 over 6 text pairs");
        }
    }

    /** STS pairs (0,1) (0,2) (0,3) (1,2) with human scores 5, 3, 0, 2: the candidate ranks them 0.8, the reference 1. */
    static EmbeddingComparison sts() {
        float[][] moved = Embeddings.atAngles(3, 0, 10, 25, 70);
        moved[2] = Embeddings.atAngles(3, -25)[0];
        return EmbeddingComparison.of(TEXTS.subList(0, 4), moved, Embeddings.atAngles(3, 0, 10, 25, 70))
                .withPairs(List.of(new int[] {0, 1}, new int[] {0, 2}, new int[] {0, 3}, new int[] {1, 2}),
                        new double[] {5, 3, 0, 2});
    }

    @Nested
    class HasStsSpearmanAtLeast {
        @Test
        void succeedsWhenTheCandidateRanksLikeTheHumans() {
            assertThat(sts()).hasStsSpearmanAtLeast(0.8);
        }

        @Test
        void failsWhenItDoesNotNamingTheReferencesValue() {
            EmbeddingComparison c = sts();
            assertThatThrownBy(() -> assertThat(c).hasStsSpearmanAtLeast(0.9))
                    .hasMessage(shouldHaveStsSpearmanAtLeast(c, 0.9).create())
                    .hasMessage("expected STS Spearman correlation (candidate vs human scores) >= 0.9 but was 0.8 "
                            + "over 4 pairs; the reference reaches 1");
        }

        @Test
        void failsWithoutPairs() {
            assertThatThrownBy(() -> assertThat(good()).hasStsSpearmanAtLeast(0.8))
                    .hasMessage(shouldHaveStsPairs(0.8).create())
                    .hasMessage("expected STS Spearman correlation (candidate vs human scores) >= 0.8 but the "
                            + "comparison has no STS pairs; give them with withPairs(pairIndices, humanScores)");
        }
    }

    /** Five texts at 0, 10, 25, 90, 100 degrees; the candidate moves the last to 45: top-1 overlap 0.8. */
    static EmbeddingComparison neighbours() {
        return EmbeddingComparison.of(TEXTS.subList(0, 5), Embeddings.atAngles(3, 0, 10, 25, 90, 100),
                Embeddings.atAngles(3, 0, 10, 25, 90, 45));
    }

    @Nested
    class HasTopKOverlapAtLeast {
        @Test
        void succeedsWhenEnoughNeighboursStay() {
            assertThat(neighbours()).hasTopKOverlapAtLeast(1, 0.8).hasTopKOverlapAtLeast(2, 0.8);
            assertThat(realistic(0.002)).hasTopKOverlapAtLeast(10, 0.9);
        }

        @Test
        void failsWhenTheyMove() {
            EmbeddingComparison c = neighbours();
            assertThatThrownBy(() -> assertThat(c).hasTopKOverlapAtLeast(1, 0.9))
                    .hasMessage(shouldHaveTopKOverlapAtLeast(c, 1, 0.9).create())
                    .hasMessage("expected top-1 nearest-neighbour overlap >= 0.9 but was 0.8 (mean over 5 texts); 1 "
                            + "of 5 below 0.9; lowest: 0 '" + SKATEBOARD_CUT + "'");
        }
    }

    @Nested
    class MeetsThresholds {
        static final QualityThresholds PLAN_8_BIT = new QualityThresholds(0.99, 0.98, 1e-3, 0.5);

        @Test
        void succeedsOnAConversionAsGoodAsThePlanExpects() {
            // models.yaml's own, tighter gates are checked on real embeddings (RealMiniLmComparisonTest)
            assertThat(realistic(0.002)).meetsThresholds(PLAN_8_BIT);
        }

        @Test
        void checksOnlyTheGatesThatAreSet() {
            assertThat(good()).meetsThresholds(QualityThresholds.NONE)
                    .meetsThresholds(new QualityThresholds(0.95, null, null, 0.6));
        }

        @Test
        void failsListingEveryFailingGateWithItsOwnMessage() {
            EmbeddingComparison c = good();
            assertThatThrownBy(() -> assertThat(c).meetsThresholds(PLAN_8_BIT))
                    .hasMessage(shouldMeetThresholds(GateCheck.of(PLAN_8_BIT, c), List.of(shouldHaveMeanCosineAtLeast(c, 0.99),
                            shouldHaveMinCosineAtLeast(c, 0.98), shouldHaveMseAtMost(c, 1e-3),
                            shouldHaveMaxAbsDiffAtMost(c, 0.5))).create())
                    .hasMessageStartingWith("expected the comparison to meet mean_cosine >= 0.99, min_cosine >= 0.98, "
                            + "mse <= 0.001, max_abs_diff <= 0.5 but 4 of 4 gates fail:\n"
                            + "- expected mean cosine >= 0.99 but was 0.951 (GOOD: 0.95-0.99); 3 of 10 texts below "
                            + "0.99; " + WORST3 + "\n- expected min cosine >= 0.98 but was 0.801;");
        }

        @Test
        void countsOnlyTheGatesThatApply() {
            // without human scores the STS gate does not apply, so it is neither listed nor counted
            QualityThresholds gates = new QualityThresholds(0.99, null, null, null, null, null, null, 0.01, null);
            assertThatThrownBy(() -> assertThat(good()).meetsThresholds(gates))
                    .hasMessageStartingWith("expected the comparison to meet mean_cosine >= 0.99 but 1 of 1 gates "
                            + "fail:\n- expected mean cosine >= 0.99 but was 0.951");
        }

        @Test
        void failsOnlyOnTheGatesThatFail() {
            EmbeddingComparison c = good();
            QualityThresholds gates = new QualityThresholds(0.95, null, 0.01, null);
            assertThatThrownBy(() -> assertThat(c).meetsThresholds(gates))
                    .hasMessage("expected the comparison to meet mean_cosine >= 0.95, mse <= 0.01 but 1 of 2 gates "
                            + "fail:\n- " + shouldHaveMseAtMost(c, 0.01).create());
        }

        @Test
        void failsOnTooMuchNoise() {
            EmbeddingComparison c = realistic(0.05);
            QualityThresholds gates = new QualityThresholds(0.99, null, null, null);
            assertThatThrownBy(() -> assertThat(c).meetsThresholds(gates))
                    .hasMessageStartingWith("expected the comparison to meet mean_cosine >= 0.99 but 1 of 1 gates "
                            + "fail:\n- expected mean cosine >= 0.99 but was 0.")
                    .hasMessageContaining("; 200 of 200 texts below 0.99; worst: ");
        }
    }
}

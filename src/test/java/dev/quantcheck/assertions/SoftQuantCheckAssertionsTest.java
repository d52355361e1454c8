package dev.quantcheck.assertions;

import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.testing.TinyBert;
import org.assertj.core.api.Assertions;
import org.assertj.core.error.AssertJMultipleFailuresError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static dev.quantcheck.assertions.ComparisonAssertTest.good;
import static dev.quantcheck.assertions.error.ShouldBeReadableModel.shouldBeReadableModel;
import static dev.quantcheck.assertions.error.ShouldBeTrulyQuantized.shouldBeTrulyQuantized;
import static dev.quantcheck.assertions.error.ShouldHaveMeanCosineAtLeast.shouldHaveMeanCosineAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveMseAtMost.shouldHaveMseAtMost;
import static dev.quantcheck.assertions.error.ShouldHaveTopKOverlapAtLeast.shouldHaveTopKOverlapAtLeast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Soft assertions collect every failure, of both assert classes, and report them together. */
class SoftQuantCheckAssertionsTest {

    @Test
    void collectsTwoFailuresOfOneChainAndGoesOn() {
        // GIVEN
        EmbeddingComparison c = good();
        SoftQuantCheckAssertions softly = new SoftQuantCheckAssertions();

        // WHEN mean and MSE fail, min cosine and shape pass
        softly.assertThat(c).hasMeanCosineAtLeast(0.99).hasMinCosineAtLeast(0.8).hasMseAtMost(0.01).hasSameShape();

        // THEN
        assertThat(withoutLocation(softly.errorsCollected())).containsExactly(
                shouldHaveMeanCosineAtLeast(c, 0.99).create(), shouldHaveMseAtMost(c, 0.01).create());
        assertThatThrownBy(softly::assertAll).isInstanceOf(AssertJMultipleFailuresError.class)
                .hasMessageContaining("Multiple Failures (2 failures)")
                .hasMessageContaining(shouldHaveMeanCosineAtLeast(c, 0.99).create())
                .hasMessageContaining(shouldHaveMseAtMost(c, 0.01).create());
    }

    @Test
    void assertSoftlyFailsOnceWithEveryFailureOfBothKinds(@TempDir Path dir) throws IOException {
        // GIVEN a float model and a comparison
        Path tiny = TinyBert.builder().write(dir.resolve("tiny"));
        EmbeddingComparison c = ComparisonAssertTest.neighbours();

        // WHEN
        Throwable thrown = Assertions.catchThrowable(() -> SoftQuantCheckAssertions.assertSoftly(softly -> {
            softly.assertThat(tiny).isTrulyQuantized().isNotFakeQuantized().hasNoNaNOrInfWeights();
            softly.assertThat(c).hasTopKOverlapAtLeast(1, 0.9).hasSpearmanAtLeast(-1);
        }));

        // THEN
        assertThat(thrown).isInstanceOf(AssertJMultipleFailuresError.class);
        assertThat(withoutLocation(((AssertJMultipleFailuresError) thrown).getFailures()))
                .containsExactly(shouldBeTrulyQuantized(tiny, QuantizedModelAssertTest.inspect(tiny)).create(),
                        shouldHaveTopKOverlapAtLeast(c, 1, 0.9).create());
    }

    @Test
    void proxiesAnOpenModelDirectory(@TempDir Path dir) throws IOException {
        Path tiny = TinyBert.builder().write(dir.resolve("tiny"));
        SoftQuantCheckAssertions softly = new SoftQuantCheckAssertions();
        try (ModelDirectory model = ModelDirectory.open(tiny)) {
            softly.assertThat(model).isNotFakeQuantized().hasBits(8).isSmallerThanMegabytes(1).meetsTargetSize();
        }
        assertThat(softly.errorsCollected()).extracting(Throwable::getMessage)
                .allMatch(m -> m.startsWith("expected " + tiny + " "))
                .hasSize(2);
    }

    /**
     * The messages without the line AssertJ appends to each soft failure ({@code "\nat Test.method(Test.java:42)"}).
     */
    static List<String> withoutLocation(List<? extends Throwable> errors) {
        return errors.stream().map(Throwable::getMessage).map(m -> {
            Assertions.assertThat(m).contains("\nat ");
            return m.substring(0, m.lastIndexOf("\nat "));
        }).toList();
    }

    @Test
    void aFolderThatCannotBeOpenedFailsEachSoftAssertion(@TempDir Path dir) {
        Path nothing = dir.resolve("nothing");
        Exception cause = Assertions.catchException(() -> ModelDirectory.open(nothing));
        SoftQuantCheckAssertions softly = new SoftQuantCheckAssertions();
        softly.assertThat(nothing).isTrulyQuantized().hasBits(8);
        assertThat(withoutLocation(softly.errorsCollected())).containsExactly(
                shouldBeReadableModel(nothing, cause).create(), shouldBeReadableModel(nothing, cause).create());
    }

    @Test
    void passesWhenNothingFails() {
        SoftQuantCheckAssertions.assertSoftly(softly -> softly.assertThat(good()).hasMeanCosineAtLeast(0.95)
                .hasMaxAbsDiffAtMost(0.6).hasNoNaNOrInf());
    }
}

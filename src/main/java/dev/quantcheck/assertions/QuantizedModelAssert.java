package dev.quantcheck.assertions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.ModelInspector;
import dev.quantcheck.inspection.Verdict;
import org.assertj.core.api.AbstractAssert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

import static dev.quantcheck.assertions.error.ShouldBeReadableModel.shouldBeReadableModel;
import static dev.quantcheck.assertions.error.ShouldBeSmallerThanMegabytes.shouldBeSmallerThanMegabytes;
import static dev.quantcheck.assertions.error.ShouldBeTrulyQuantized.shouldBeTrulyQuantized;
import static dev.quantcheck.assertions.error.ShouldHaveBits.shouldHaveBits;
import static dev.quantcheck.assertions.error.ShouldHaveCompressionRatioAtLeast.shouldHaveCompressionRatioAtLeast;
import static dev.quantcheck.assertions.error.ShouldHaveNoNaNOrInfWeights.shouldHaveNoNaNOrInfWeights;
import static dev.quantcheck.assertions.error.ShouldMeetTargetSize.shouldHaveTargetSize;
import static dev.quantcheck.assertions.error.ShouldMeetTargetSize.shouldMeetTargetSize;
import static dev.quantcheck.assertions.error.ShouldNotBeFakeQuantized.shouldNotBeFakeQuantized;

/**
 * Assertions on a model folder: is it really quantized, at which bits, how small, with finite weights. The
 * testing plan's size criteria and the fake-quantization incident as gates. Get one from
 * {@link QuantCheckAssertions#assertThat(Path)} or {@link QuantCheckAssertions#assertThat(ModelDirectory)}.
 *
 * <p>The actual value is the folder's path. A path is opened (and closed again) when an assertion needs it; an
 * open {@link ModelDirectory} is used as it is and not closed. The {@link ModelInspector} runs at most once per
 * assert object (about a second for MiniLM), when an assertion needs its verdict or a failure message needs its
 * evidence: every failure message names the folder and ends with the inspector's verdict and evidence. A folder
 * that cannot be opened fails every assertion with {@code ShouldBeReadableModel}.
 */
public class QuantizedModelAssert extends AbstractAssert<QuantizedModelAssert, Path> {
    static final double BYTES_PER_MB = 1024.0 * 1024.0;

    private final ModelDirectory model;
    private Facts facts;
    private InspectionReport report;

    /** What the folder's files say, read once. */
    private record Facts(Optional<JsonNode> metadata, long weightFileBytes) {
    }

    private interface ModelFunction<T> {
        T apply(ModelDirectory model) throws IOException;
    }

    public QuantizedModelAssert(Path modelDir) {
        super(modelDir, QuantizedModelAssert.class);
        this.model = null;
    }

    public QuantizedModelAssert(ModelDirectory model) {
        super(model == null ? null : model.path(), QuantizedModelAssert.class);
        this.model = model;
    }

    /**
     * Verifies that the inspector finds every Linear/Embedding weight packed (MLX's U32 codes with scales):
     * {@link Verdict#TRUE_QUANTIZED}. A MIXED model (some layers kept in float) fails. Failure message:
     * {@code ShouldBeTrulyQuantized}, e.g. {@code expected models/mlx/x to be truly quantized but it is
     * FAKE_QUANTIZED: 39 of 39 Linear/Embedding weights are float32 on an 8-bit grid ...}.
     *
     * <pre>{@code
     * // this assertion succeeds on a real 8-bit conversion:
     * assertThat(Path.of("models/mlx/all-minilm-l6-v2-mlx-q8")).isTrulyQuantized();
     * // these assertions fail on a --fake conversion and on the float original:
     * assertThat(Path.of("models/mlx/all-minilm-l6-v2-mlx-q8-fake")).isTrulyQuantized();
     * assertThat(Path.of("models/hf/all-minilm-l6-v2")).isTrulyQuantized();
     * }</pre>
     */
    public QuantizedModelAssert isTrulyQuantized() {
        if (inspection().verdict() != Verdict.TRUE_QUANTIZED) {
            throwAssertionError(shouldBeTrulyQuantized(actual, inspection()));
        }
        return myself;
    }

    /**
     * Verifies that no Linear/Embedding weight is float on a quantization grid (quantized, dequantized and stored
     * at full width: the v1 converter's bug). A float original passes; so does a truly quantized model. Failure
     * message: {@code ShouldNotBeFakeQuantized}.
     *
     * <pre>{@code
     * // these assertions succeed:
     * assertThat(Path.of("models/mlx/all-minilm-l6-v2-mlx-q8")).isNotFakeQuantized();
     * assertThat(Path.of("models/hf/all-minilm-l6-v2")).isNotFakeQuantized();
     * // this assertion fails:
     * assertThat(Path.of("models/mlx/all-minilm-l6-v2-mlx-q8-fake")).isNotFakeQuantized();
     * }</pre>
     */
    public QuantizedModelAssert isNotFakeQuantized() {
        InspectionReport r = inspection();
        if (r.candidates().stream().anyMatch(l -> l.verdict() == Verdict.FAKE_QUANTIZED)) {
            throwAssertionError(shouldNotBeFakeQuantized(actual, r));
        }
        return myself;
    }

    /**
     * Verifies that at least one Linear/Embedding weight is packed and that every packed one has {@code bits}
     * bits (layers kept in float are not checked; {@link #isTrulyQuantized()} does). Failure message:
     * {@code ShouldHaveBits}.
     *
     * <pre>{@code
     * // this assertion succeeds on a real 8-bit conversion:
     * assertThat(q8).hasBits(8);
     * // these assertions fail:
     * assertThat(q8).hasBits(4);
     * assertThat(fakeQ8).hasBits(8); // nothing is packed
     * }</pre>
     */
    public QuantizedModelAssert hasBits(int bits) {
        InspectionReport r = inspection();
        boolean anyPacked = false;
        boolean allBits = true;
        for (var layer : r.candidates()) {
            if (layer.verdict() == Verdict.TRUE_QUANTIZED) {
                anyPacked = true;
                allBits &= layer.bits() == bits;
            }
        }
        if (!anyPacked || !allBits) {
            throwAssertionError(shouldHaveBits(actual, bits, r));
        }
        return myself;
    }

    /**
     * Verifies that the model is at least {@code ratio} times smaller than its original, as
     * {@code conversion_metadata.json} records it ({@code quantization.compression_ratio}, else
     * {@code original_size_mb / actual_size_mb}). Without those, the ratio is computed against float32 storage of
     * the same weights, {@code 32 / } the inspector's average bits per weight, and the message says so. Failure
     * message: {@code ShouldHaveCompressionRatioAtLeast}.
     *
     * <pre>{@code
     * // this assertion succeeds on a real 8-bit conversion (3.76x):
     * assertThat(q8).hasCompressionRatioAtLeast(3);
     * // these assertions fail: the --fake conversion (1x) and the float original (1x against float32)
     * assertThat(fakeQ8).hasCompressionRatioAtLeast(3);
     * assertThat(original).hasCompressionRatioAtLeast(3);
     * }</pre>
     */
    public QuantizedModelAssert hasCompressionRatioAtLeast(double ratio) {
        Facts f = facts();
        CompressionRatio actualRatio = f.metadata().flatMap(CompressionRatio::fromMetadata)
                .orElseGet(() -> CompressionRatio.fromBitsPerWeight(inspection().averageBitsPerWeight(),
                        f.metadata().isPresent()));
        if (!(actualRatio.value() >= ratio)) {
            throwAssertionError(shouldHaveCompressionRatioAtLeast(actual, ratio, actualRatio, inspection()));
        }
        return myself;
    }

    /**
     * Verifies that the model's weight files ({@code *.safetensors}, headers included) are smaller than
     * {@code megabytes} MB of 2^20 bytes, the unit of {@code conversion_metadata.json}. Failure message:
     * {@code ShouldBeSmallerThanMegabytes}.
     *
     * <pre>{@code
     * // a real 8-bit MiniLM is 22.9 MB
     * // this assertion succeeds:
     * assertThat(q8).isSmallerThanMegabytes(25);
     * // this assertion fails:
     * assertThat(q8).isSmallerThanMegabytes(20);
     * }</pre>
     */
    public QuantizedModelAssert isSmallerThanMegabytes(double megabytes) {
        long bytes = facts().weightFileBytes();
        if (!(bytes / BYTES_PER_MB < megabytes)) {
            throwAssertionError(shouldBeSmallerThanMegabytes(actual, megabytes, bytes, inspection()));
        }
        return myself;
    }

    /**
     * Verifies that the converted size is at most the target its conversion set: {@code quantization.actual_size_mb
     * <= quantization.target_size_mb} in {@code conversion_metadata.json}. Fails when there is no metadata or no
     * target. Failure messages: {@code ShouldMeetTargetSize.shouldMeetTargetSize}, and
     * {@code ShouldMeetTargetSize.shouldHaveTargetSize} when there is nothing to meet.
     *
     * <pre>{@code
     * // converted at 8 bits with a target of 25 MB: 22.9 MB
     * // this assertion succeeds:
     * assertThat(q8).meetsTargetSize();
     * // these assertions fail: the --fake conversion with the same target (86.1 MB), the float original
     * assertThat(fakeQ8).meetsTargetSize();
     * assertThat(original).meetsTargetSize();
     * }</pre>
     */
    public QuantizedModelAssert meetsTargetSize() {
        Optional<JsonNode> metadata = facts().metadata();
        JsonNode q = metadata.map(m -> m.path("quantization")).orElse(null);
        if (q == null || !q.path("target_size_mb").isNumber() || !q.path("actual_size_mb").isNumber()) {
            throwAssertionError(shouldHaveTargetSize(actual, metadata.isPresent(), inspection()));
        }
        double target = q.get("target_size_mb").asDouble();
        double size = q.get("actual_size_mb").asDouble();
        if (!(size <= target)) {
            throwAssertionError(shouldMeetTargetSize(actual, target, size, inspection()));
        }
        return myself;
    }

    /**
     * Verifies that no stored float tensor (weights, and the scales and biases of packed layers) holds NaN or
     * Inf. The failure message, {@code ShouldHaveNoNaNOrInfWeights}, names each tensor, its counts and the index of
     * the first bad value.
     *
     * <pre>{@code
     * // this assertion succeeds on the real models:
     * assertThat(q8).hasNoNaNOrInfWeights();
     * // this assertion fails on a model whose encoder.layer.0.attention.self.query.weight[3, 7] is NaN:
     * assertThat(broken).hasNoNaNOrInfWeights();
     * }</pre>
     */
    public QuantizedModelAssert hasNoNaNOrInfWeights() {
        InspectionReport r = inspection();
        if (!r.nonFinite().isEmpty()) {
            throwAssertionError(shouldHaveNoNaNOrInfWeights(actual, r));
        }
        return myself;
    }

    // ---------------------------------------------------------------- reading the model, once

    /** The inspector's report, computed on first need. */
    private InspectionReport inspection() {
        if (report == null) {
            report = withModel(ModelInspector::inspect);
        }
        return report;
    }

    private Facts facts() {
        if (facts == null) {
            facts = withModel(m -> new Facts(m.conversionMetadata(), m.weights().fileBytes()));
        }
        return facts;
    }

    private <T> T withModel(ModelFunction<T> read) {
        isNotNull();
        try {
            if (model != null) {
                return read.apply(model);
            }
            try (ModelDirectory m = ModelDirectory.open(actual)) {
                return read.apply(m);
            }
        } catch (IOException | UncheckedIOException e) {
            throw assertionError(shouldBeReadableModel(actual, e));
        }
    }
}

package dev.quantcheck.assertions.error;

import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.format.NonFiniteValues;
import org.assertj.core.error.ErrorMessageFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Some stored weights (or scales, or biases) are NaN or infinite:
 * {@code expected x to have no NaN or Inf weights but 1 tensor has some: encoder.layer.0.attention.self.query.weight:
 * 1 NaN, 0 Inf, first NaN at [3, 7]; the inspector says NOT_QUANTIZED: ...}
 */
public final class ShouldHaveNoNaNOrInfWeights extends QuantCheckErrorMessageFactory {

    private ShouldHaveNoNaNOrInfWeights(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveNoNaNOrInfWeights(Path dir, InspectionReport report) {
        List<NonFiniteValues> bad = report.nonFinite();
        String more = bad.size() > Numbers.WORST ? "; and " + (bad.size() - Numbers.WORST) + " more" : "";
        return new ShouldHaveNoNaNOrInfWeights("expected " + dir + " to have no NaN or Inf weights but "
                + Numbers.count(bad.size(), "tensor has", "tensors have") + " some: " + bad.stream()
                .limit(Numbers.WORST).map(NonFiniteValues::toString).collect(Collectors.joining("; ")) + more
                + ModelMessages.inspector(report));
    }
}

package dev.quantcheck.assertions.error;

import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.LayerReport;
import dev.quantcheck.inspection.Verdict;
import org.assertj.core.error.ErrorMessageFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The model, or some of its layers, store quantized values at full float width:
 * {@code expected models/mlx/x not to be fake quantized but it is FAKE_QUANTIZED: 39 of 39 Linear/Embedding
 * weights are float32 on an 8-bit grid ...}; for a MIXED model, the fake layers with their evidence:
 * {@code expected x not to be fake quantized but 1 of its Linear/Embedding weights is: encoder.layer.1...weight
 * (float32 on an 8-bit grid ...); the inspector says MIXED: ...}
 */
public final class ShouldNotBeFakeQuantized extends QuantCheckErrorMessageFactory {

    private ShouldNotBeFakeQuantized(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldNotBeFakeQuantized(Path dir, InspectionReport report) {
        if (report.verdict() == Verdict.FAKE_QUANTIZED) {
            return new ShouldNotBeFakeQuantized("expected " + dir + " not to be fake quantized but it is "
                    + report.verdictLine());
        }
        List<LayerReport> fakes = report.candidates().stream()
                .filter(l -> l.verdict() == Verdict.FAKE_QUANTIZED).toList();
        String more = fakes.size() > Numbers.WORST ? ", and " + (fakes.size() - Numbers.WORST) + " more" : "";
        return new ShouldNotBeFakeQuantized("expected " + dir + " not to be fake quantized but " + fakes.size()
                + " of its Linear/Embedding weights " + (fakes.size() == 1 ? "is" : "are") + ": "
                + fakes.stream().limit(Numbers.WORST).map(l -> l.name() + " (" + l.evidence() + ")")
                .collect(Collectors.joining(", ")) + more + ModelMessages.inspector(report));
    }
}

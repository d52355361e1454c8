package dev.quantcheck.assertions.error;

import dev.quantcheck.inspection.InspectionReport;
import dev.quantcheck.inspection.LayerReport;
import dev.quantcheck.inspection.Verdict;
import org.assertj.core.error.ErrorMessageFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The packed weights have other bits, or none is packed:
 * {@code expected x to store its Linear/Embedding weights packed at 8 bits but 39 of 39 packed weights have other
 * bits (4 bits: 39), e.g. embeddings.word_embeddings.weight; the inspector says TRUE_QUANTIZED: ...} or
 * {@code expected x to store its Linear/Embedding weights packed at 8 bits but none is packed; the inspector says
 * FAKE_QUANTIZED: ...}
 */
public final class ShouldHaveBits extends QuantCheckErrorMessageFactory {

    private ShouldHaveBits(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldHaveBits(Path dir, int bits, InspectionReport report) {
        String expected = "expected " + dir + " to store its Linear/Embedding weights packed at " + bits + " bits but ";
        List<LayerReport> packed = report.candidates().stream()
                .filter(l -> l.verdict() == Verdict.TRUE_QUANTIZED).toList();
        if (packed.isEmpty()) {
            return new ShouldHaveBits(expected + "none is packed" + ModelMessages.inspector(report));
        }
        List<LayerReport> other = packed.stream().filter(l -> l.bits() != bits).toList();
        Map<Integer, Long> byBits = other.stream().collect(Collectors.groupingBy(LayerReport::bits, TreeMap::new,
                Collectors.counting()));
        return new ShouldHaveBits(expected + other.size() + " of " + packed.size() + " packed weights have other "
                + "bits (" + byBits.entrySet().stream().map(e -> e.getKey() + " bits: " + e.getValue())
                .collect(Collectors.joining(", ")) + "), e.g. " + other.get(0).name()
                + ModelMessages.inspector(report));
    }
}

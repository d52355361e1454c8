package dev.quantcheck.reporting;

import dev.quantcheck.conversion.QualityThresholds;

/**
 * The per-text cosine a histogram of cosines marks, and its name: the min cosine gate, else the mean cosine gate,
 * else the lower edge of the EXCELLENT band (0.99). One rule for the demo and the test reports.
 *
 * @param value the cosine
 * @param name  what it is, e.g. {@code min cosine gate}
 */
public record CosineLine(double value, String name) {
    public static CosineLine of(QualityThresholds gates) {
        if (gates.minCosine() != null) {
            return new CosineLine(gates.minCosine(), "min cosine gate");
        }
        if (gates.meanCosine() != null) {
            return new CosineLine(gates.meanCosine(), "mean cosine gate");
        }
        return new CosineLine(0.99, "EXCELLENT band above");
    }
}

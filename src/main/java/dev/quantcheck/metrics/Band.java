package dev.quantcheck.metrics;

/**
 * The testing plan's interpretation of a mean cosine similarity between a converted model's embeddings and the
 * original's: above 0.99 excellent, 0.95 to 0.99 good, 0.90 to 0.95 acceptable, below 0.90 poor.
 *
 * <p>A boundary value belongs to the band above it except at 0.99, which the plan calls good ("&gt; 0.99" is
 * excellent). NaN is {@link #POOR}.
 */
public enum Band {
    /** Mean cosine above 0.99: the models are nearly identical. */
    EXCELLENT("> 0.99", "the models are nearly identical"),
    /** 0.95 to 0.99: the models are very similar. */
    GOOD("0.95-0.99", "the models are very similar"),
    /** 0.90 to 0.95: some differences. */
    ACCEPTABLE("0.90-0.95", "some differences"),
    /** Below 0.90 (or NaN): significant differences. */
    POOR("< 0.90", "significant differences");

    private final String range;
    private final String meaning;

    Band(String range, String meaning) {
        this.range = range;
        this.meaning = meaning;
    }

    /** The band of a mean cosine similarity; NaN is {@link #POOR}. */
    public static Band of(double meanCosine) {
        if (meanCosine > 0.99) {
            return EXCELLENT;
        }
        if (meanCosine >= 0.95) {
            return GOOD;
        }
        if (meanCosine >= 0.90) {
            return ACCEPTABLE;
        }
        return POOR;
    }

    /** The range as the plan writes it, e.g. {@code "0.95-0.99"}. */
    public String range() {
        return range;
    }

    /** What the plan says the band means, e.g. {@code "the models are very similar"}. */
    public String meaning() {
        return meaning;
    }

    /** The name and range, e.g. {@code "GOOD: 0.95-0.99"}, as failure messages show it. */
    public String label() {
        return name() + ": " + range;
    }
}

package dev.quantcheck.inspection;

/**
 * Why a float matrix was found to lie on a quantization grid: at which bits and group size, and how many of its
 * groups agree.
 *
 * @param bits              the smallest b in 2..8 whose 2^b - 1 holds the largest code of every on-grid group
 * @param groupSize         consecutive values along a row that share one grid: 128, 64 or 32
 * @param maxDistinct       the most distinct values seen in one on-grid group (at most {@code 2^bits} and at most
 *                          {@code groupSize})
 * @param medianStep        the median grid step over the on-grid groups, in weight units
 * @param groups            all groups of the matrix at this group size
 * @param informativeGroups groups with at least 3 distinct finite values whose grid, if any, the storage dtype's
 *                          rounding does not hide
 * @param onGridGroups      informative groups whose values are all on one 2^bits-level grid
 */
public record GridEvidence(int bits, int groupSize, int maxDistinct, double medianStep, long groups,
                           long informativeGroups, long onGridGroups) {

    /** The grid's number of levels, {@code 2^bits}. */
    public int levels() {
        return 1 << bits;
    }

    /** {@code onGridGroups / informativeGroups}, in [0, 1]. */
    public double fractionOnGrid() {
        return informativeGroups == 0 ? 0 : (double) onGridGroups / informativeGroups;
    }

    /** "an 8-bit grid", "a 4-bit grid": bits are 2..8. */
    static String article(int bits) {
        return bits == 8 ? "an" : "a";
    }

    /** E.g. "an 8-bit grid in groups of 64 (up to 256 levels; ...)". */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%s %d-bit grid in groups of %d (up to %d levels; at most %d distinct values per group; median step "
                        + "%.3g; %d of %d informative groups on the grid)",
                article(bits), bits, groupSize, levels(), maxDistinct, medianStep, onGridGroups, informativeGroups);
    }
}

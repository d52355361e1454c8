package dev.quantcheck.inspection;

import java.util.Optional;

/**
 * Value statistics of one layer, computed for {@link ModelInspector.Detail#STATISTICS}.
 *
 * @param min      the smallest finite value (dequantized, {@code scale * q + bias} in float32, for a packed affine or
 *                 mx layer; as stored for a float tensor); NaN when there is none or it was not computed (nvfp4)
 * @param max      the largest finite value, likewise
 * @param distinct distinct values per group, for float tensors only
 */
public record LayerStatistics(double min, double max, Optional<DistinctValues> distinct) {

    /**
     * How many distinct values the groups of a float tensor hold: at most {@code 2^b} for a b-bit fake, up to the
     * group size for trained weights.
     *
     * @param groupSize the group size counted in: the fake's, else 64, 32 or 128 (the first dividing the last
     *                  dimension), else the whole last dimension
     * @param max       the most distinct values in one group
     * @param median    the median over the groups
     */
    public record DistinctValues(int groupSize, int max, double median) {
    }
}

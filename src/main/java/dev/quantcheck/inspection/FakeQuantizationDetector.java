package dev.quantcheck.inspection;

import dev.quantcheck.format.DType;
import dev.quantcheck.format.HalfFloats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Finds "fake quantization": float weights that were quantized and dequantized again, so that they take full float
 * width on disk while holding only {@code 2^b} values per group. Such values lie, group by group, on an affine grid
 * {@code w = offset + step * q} with integer codes {@code q} in {@code [0, 2^b - 1]}; real trained weights do not.
 *
 * <h2>The algorithm</h2>
 * For a row-major {@code [rows, cols]} matrix, try group sizes 128, 64 and 32 (those dividing {@code cols}), largest
 * first. A fake made in groups of G is on a grid at G and, with the same step, at every divisor of G; a 32-group fake
 * fails at 128, whose groups merge four scales. So the largest size that passes is the fake's, with one exception:
 * when merged groups hold only a few values each (2 or 3 bits, or a matrix of two rows), their union can fit a common
 * grid by coincidence, on a step much finer than the true one. A smaller passing size whose median step is over 1.5
 * times as coarse therefore overrules a larger one. At one group size, every group of consecutive values along a row
 * is classified:
 * <ol>
 *   <li>Sort the group and keep its distinct values {@code d_0 < ... < d_m-1} (-0.0 and 0.0 are one value). A group
 *   with fewer than 3, or with NaN or Inf, is <em>uninformative</em> (an all-zero row says nothing either way).</li>
 *   <li>Estimate the step from the smallest gap {@code g} between neighbours: try {@code s = g/k} for k = 1, 2, ...
 *   (the two closest values may be several steps apart) as long as {@code range / s <= 255}, the most an 8-bit grid
 *   can span, give or take the dtype's rounding. Each neighbour gap is rounded to whole steps, smallest gaps first,
 *   with the step re-estimated from the gaps assigned so far (a gap of 17 steps must not be divided by the noisy
 *   smallest gap alone); then the step and offset are fitted by least squares, the codes rounded once more against
 *   the fit, and refitted.</li>
 *   <li>The group is <em>on the grid</em> when every value lies within {@code 0.01 * step + allowance} of its grid
 *   point, where the allowance is the rounding the values' dtype adds to any grid: 4 float32 ulps of the group's
 *   largest magnitude for F32 (the float arithmetic of {@code scale * q + bias}), 1.5 ulps of the 16-bit type for
 *   F16 and BF16 (a rounding of the value plus one of the product, when dequantization ran in 16 bits). Float32
 *   values that are all exact in F16 (or BF16) get that type's allowance: a dequantization done in 16 bits and
 *   upcast. Its bits are the smallest b in 2..8 with {@code 2^b - 1 >= } the largest code.</li>
 *   <li>When the allowance exceeds a fifth of the step, the grid cannot be told from the dtype's own granularity:
 *   any values of that type would pass. The group is then <em>indistinguishable</em> and, like an uninformative one,
 *   counts neither way. This happens for BF16 (8 significant bits) from about 5 bits up, always at 8 bits, and for
 *   F16 (11 significant bits) in part of the groups at 8 bits; a BF16 8-bit fake is therefore reported as not
 *   quantized, never as a false fake.</li>
 *   <li>Otherwise the group is <em>off the grid</em>.</li>
 * </ol>
 * A matrix is on a grid at a group size when at least 99% of its informative groups (on + off) are on the grid and
 * there is at least one. Its bits are the largest of its on-grid groups' bits. A group size is abandoned as soon as
 * more than 1% of all its groups are off the grid, so a real float matrix costs a few hundred groups per size. Once
 * a size has passed, a smaller one is first tried on a sample of 4096 evenly spaced groups and scanned in full only
 * when the sample would overrule.
 *
 * <p>Real weights fail at once: among 32 or more trained values the smallest gap is far below {@code range / 255}, so
 * no step is tried; and in the percent or so of 32-value groups where it is not, the other values are not within 1%
 * of a step of its multiples. A matrix whose groups genuinely hold only 3 or 4 distinct values (ternary weights) is on
 * a 2-bit grid, and is reported so: it is stored 16 times wider than it needs.
 *
 * <p>Stateless and thread-safe.
 */
public final class FakeQuantizationDetector {
    /** The group sizes tried, largest first. */
    public static final List<Integer> GROUP_SIZES = List.of(128, 64, 32);
    /** The share of informative groups that must be on the grid. */
    public static final double REQUIRED_FRACTION = 0.99;
    /** The fewest distinct values that make a group informative. */
    public static final int MIN_DISTINCT = 3;

    static final int MIN_BITS = 2;
    static final int MAX_CODE = (1 << 8) - 1;
    /** Residual allowed on top of the dtype's rounding, as a fraction of the step. */
    static final double STEP_TOLERANCE = 0.01;
    /** The dtype's rounding must stay below this fraction of a step for the grid to be visible. */
    static final double VISIBLE_ROUNDING = 0.2;
    /** How much coarser a smaller group size's median step must be to overrule a larger size's grid. */
    static final double COINCIDENCE_STEP_RATIO = 1.5;
    /** Groups sampled at a smaller size once a larger one has passed. */
    static final long SAMPLE_GROUPS = 4096;

    private FakeQuantizationDetector() {
    }

    /** How one group was classified. */
    enum GroupKind { UNINFORMATIVE, INDISTINGUISHABLE, ON_GRID, OFF_GRID }

    /**
     * The groups of a matrix at one group size, by kind.
     *
     * @param stoppedEarly true when the scan stopped once more than 1% of the groups were off the grid; the counts
     *                     then cover only the groups scanned
     * @param sampled      true when only an evenly spaced sample of the groups was scanned (a smaller size, once a
     *                     larger one had passed, whose sample did not overrule it)
     */
    public record GroupTally(int groupSize, long groups, long uninformative, long indistinguishable, long onGrid,
                             long offGrid, boolean stoppedEarly, boolean sampled) {
        public long informative() {
            return onGrid + offGrid;
        }
    }

    /**
     * The outcome for one matrix.
     *
     * @param grid    the grid the matrix lies on; empty when it is on none
     * @param tallies one per group size tried, in the order tried (empty when no size divides the columns)
     */
    public record Detection(Optional<GridEvidence> grid, List<GroupTally> tallies) {
        public Detection {
            tallies = List.copyOf(tallies);
        }

        public boolean onGrid() {
            return grid.isPresent();
        }
    }

    /**
     * Looks for a quantization grid in a row-major {@code [rows, cols]} float matrix.
     *
     * @param values  the stored values, decoded to float32 (exactly, for F16 and BF16)
     * @param storage the dtype the values are stored in: F32, F16 or BF16
     * @throws IllegalArgumentException for another dtype or a shape that does not match
     */
    public static Detection detect(float[] values, int rows, int cols, DType storage) {
        if (!storage.isWeightFloat()) {
            throw new IllegalArgumentException(storage.fileName()
                    + " is not a float weight type; use F32, F16 or BF16");
        }
        if (rows < 0 || cols <= 0 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException("shape [" + rows + ", " + cols + "] does not match " + values.length
                    + " values");
        }
        List<GroupTally> tallies = new ArrayList<>();
        GridEvidence chosen = null;
        for (int groupSize : GROUP_SIZES) {
            if (cols % groupSize != 0) {
                continue;
            }
            long groups = (long) rows * (cols / groupSize);
            if (chosen != null && groups > SAMPLE_GROUPS) {
                // once a size has passed, a smaller one matters only with a much coarser step: try a sample first
                Scan sample = new Scan(groupSize, groups, (groups + SAMPLE_GROUPS - 1) / SAMPLE_GROUPS);
                sample.run(values, storage);
                if (!sample.passes() || !isCoarser(sample.evidence(), chosen)) {
                    tallies.add(sample.tally());
                    continue;
                }
            }
            Scan scan = new Scan(groupSize, groups, 1);
            scan.run(values, storage);
            tallies.add(scan.tally());
            if (scan.passes() && (chosen == null || isCoarser(scan.evidence(), chosen))) {
                chosen = scan.evidence();
            }
        }
        return new Detection(Optional.ofNullable(chosen), tallies);
    }

    /** A smaller size's grid with a much coarser step shows the larger size's grid to be a coincidence. */
    private static boolean isCoarser(GridEvidence smaller, GridEvidence chosen) {
        return smaller.medianStep() > COINCIDENCE_STEP_RATIO * chosen.medianStep();
    }

    // ---------------------------------------------------------------- one group size

    /** The scan of a matrix at one group size. */
    private static final class Scan {
        final int groupSize;
        final long groups;
        final long stride;
        final GroupFit fit;
        long uninformative;
        long indistinguishable;
        long onGrid;
        long offGrid;
        boolean stoppedEarly;
        int bits = MIN_BITS;
        int maxDistinct;
        float[] steps = new float[64];

        /** Every {@code stride}-th group: 1 for all of them. */
        Scan(int groupSize, long groups, long stride) {
            this.groupSize = groupSize;
            this.groups = groups;
            this.stride = stride;
            this.fit = new GroupFit(groupSize);
        }

        void run(float[] values, DType storage) {
            long offGridLimit = (long) Math.floor((groups + stride - 1) / stride * (1 - REQUIRED_FRACTION));
            for (long from = 0; from < values.length; from += groupSize * stride) {
                switch (fit.classify(values, (int) from, storage)) {
                    case UNINFORMATIVE -> uninformative++;
                    case INDISTINGUISHABLE -> indistinguishable++;
                    case ON_GRID -> addOnGrid();
                    case OFF_GRID -> offGrid++;
                }
                if (offGrid > offGridLimit) {
                    // 99% of the informative groups can no longer be on the grid
                    stoppedEarly = true;
                    return;
                }
            }
        }

        private void addOnGrid() {
            if (onGrid == steps.length) {
                steps = Arrays.copyOf(steps, steps.length * 2);
            }
            steps[(int) onGrid++] = (float) fit.step;
            bits = Math.max(bits, fit.bits);
            maxDistinct = Math.max(maxDistinct, fit.distinct);
        }

        boolean passes() {
            long informative = onGrid + offGrid;
            return !stoppedEarly && informative > 0 && onGrid >= REQUIRED_FRACTION * informative;
        }

        GroupTally tally() {
            return new GroupTally(groupSize, groups, uninformative, indistinguishable, onGrid, offGrid, stoppedEarly,
                    stride > 1);
        }

        GridEvidence evidence() {
            float[] sorted = Arrays.copyOf(steps, (int) onGrid);
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + (double) sorted[sorted.length / 2]) / 2;
            return new GridEvidence(bits, groupSize, maxDistinct, median, groups, onGrid + offGrid, onGrid);
        }
    }

    // ---------------------------------------------------------------- one group

    /** Scratch space for one group, reused so that the scan allocates nothing per group. */
    static final class GroupFit {
        private final float[] sorted;
        private final int[] codes;
        private final int[] gapSteps;
        private final long[] gapOrder;
        private double fittedStep;
        private double offset;
        int distinct;
        int bits;
        double step;

        GroupFit(int groupSize) {
            sorted = new float[groupSize];
            codes = new int[groupSize];
            gapSteps = new int[groupSize];
            gapOrder = new long[groupSize];
        }

        /** Classifies {@code values[from, from + groupSize)}; on the grid, sets {@link #bits} and {@link #step}. */
        GroupKind classify(float[] values, int from, DType storage) {
            int n = sorted.length;
            System.arraycopy(values, from, sorted, 0, n);
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(sorted[i])) {
                    return GroupKind.UNINFORMATIVE;
                }
            }
            Arrays.sort(sorted);
            distinct = deduplicate(sorted);
            if (distinct < MIN_DISTINCT) {
                return GroupKind.UNINFORMATIVE;
            }
            double low = sorted[0];
            double range = sorted[distinct - 1] - low;
            double smallestGap = Double.POSITIVE_INFINITY;
            for (int i = 1; i < distinct; i++) {
                smallestGap = Math.min(smallestGap, (double) sorted[i] - sorted[i - 1]);
            }
            double maxAbs = Math.max(Math.abs(low), Math.abs((double) sorted[distinct - 1]));
            double allowance = roundingAllowance(maxAbs, effectiveDType(sorted, distinct, storage));
            // the smallest gap spans k steps with k <= 255 * gap / range, give or take the dtype's rounding
            double slack = 2 * allowance;
            double widestK = (MAX_CODE + 0.5) * (smallestGap + slack) / Math.max(range - slack, smallestGap);
            int maxK = (int) Math.min(MAX_CODE, Math.floor(widestK));
            for (int k = 1; k <= maxK; k++) {
                GroupKind kind = tryStep(smallestGap / k, allowance);
                if (kind != GroupKind.OFF_GRID) {
                    return kind;
                }
            }
            return GroupKind.OFF_GRID;
        }

        /**
         * Codes at step {@code guess}, a least-squares step and offset over them, the codes rounded again against that
         * fit and refitted, then every value's residual.
         */
        private GroupKind tryStep(double guess, double allowance) {
            assignCodes(guess);
            fit();
            if (reassignCodes()) {
                fit();
            }
            int maxCode = codes[distinct - 1];
            if (maxCode > MAX_CODE) {
                return GroupKind.OFF_GRID;
            }
            if (allowance > VISIBLE_ROUNDING * fittedStep) {
                return GroupKind.INDISTINGUISHABLE;
            }
            double tolerance = STEP_TOLERANCE * fittedStep + allowance;
            for (int i = 0; i < distinct; i++) {
                if (Math.abs(sorted[i] - (offset + fittedStep * codes[i])) > tolerance) {
                    return GroupKind.OFF_GRID;
                }
            }
            step = fittedStep;
            bits = Math.max(MIN_BITS, 32 - Integer.numberOfLeadingZeros(maxCode));
            return GroupKind.ON_GRID;
        }

        /**
         * Each neighbour gap becomes a whole number of steps, smallest gaps first, the step re-estimated after each
         * as (sum of gaps) / (sum of steps): a gap of 17 steps is divided by a step that 16 smaller gaps have
         * refined, not by the smallest gap alone, whose rounding error would grow 17-fold.
         */
        private void assignCodes(double guess) {
            int gaps = distinct - 1;
            for (int i = 0; i < gaps; i++) {
                gapOrder[i] = ((long) Float.floatToIntBits((float) ((double) sorted[i + 1] - sorted[i])) << 32) | i;
            }
            // positive floats order like their bit patterns
            Arrays.sort(gapOrder, 0, gaps);
            double sumGaps = 0;
            long sumSteps = 0;
            double estimate = guess;
            for (int j = 0; j < gaps; j++) {
                int i = (int) gapOrder[j];
                double gap = (double) sorted[i + 1] - sorted[i];
                int steps = (int) Math.max(1, Math.rint(gap / estimate));
                gapSteps[i] = steps;
                sumGaps += gap;
                sumSteps += steps;
                estimate = sumGaps / sumSteps;
            }
            codes[0] = 0;
            for (int i = 1; i < distinct; i++) {
                codes[i] = codes[i - 1] + gapSteps[i - 1];
            }
        }

        /** Least squares {@code value = offset + fittedStep * code}. */
        private void fit() {
            double meanCode = 0;
            double meanValue = 0;
            for (int i = 0; i < distinct; i++) {
                meanCode += codes[i];
                meanValue += sorted[i];
            }
            meanCode /= distinct;
            meanValue /= distinct;
            double sxx = 0;
            double sxy = 0;
            for (int i = 0; i < distinct; i++) {
                double dx = codes[i] - meanCode;
                sxx += dx * dx;
                sxy += dx * (sorted[i] - meanValue);
            }
            fittedStep = sxy / sxx;
            offset = meanValue - fittedStep * meanCode;
        }

        /** Rounds every value's code against the fit, the lowest made 0; true when a code changed. */
        private boolean reassignCodes() {
            double first = Math.rint((sorted[0] - offset) / fittedStep);
            boolean changed = false;
            for (int i = 0; i < distinct; i++) {
                int code = (int) (Math.rint((sorted[i] - offset) / fittedStep) - first);
                changed |= code != codes[i];
                codes[i] = code;
            }
            return changed;
        }
    }

    /** Moves the distinct values of sorted {@code a} to its front and returns how many there are. */
    static int deduplicate(float[] a) {
        int m = 0;
        for (int i = 0; i < a.length; i++) {
            // == makes -0.0 and 0.0 one value
            if (m == 0 || a[i] != a[m - 1]) {
                a[m++] = a[i];
            }
        }
        return m;
    }

    /**
     * The precision the values really have: F32 values that are all exact in F16 (or else BF16) were rounded
     * through that type, and carry its rounding.
     */
    static DType effectiveDType(float[] values, int count, DType storage) {
        if (storage != DType.F32) {
            return storage;
        }
        if (allExact(values, count, DType.F16)) {
            return DType.F16;
        }
        return allExact(values, count, DType.BF16) ? DType.BF16 : DType.F32;
    }

    private static boolean allExact(float[] values, int count, DType dtype) {
        for (int i = 0; i < count; i++) {
            float v = values[i];
            float back = dtype == DType.F16 ? HalfFloats.f16ToFloat(HalfFloats.floatToF16(v))
                    : HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v));
            if (back != v) {
                return false;
            }
        }
        return true;
    }

    /** The rounding {@code dtype} adds to grid values of magnitude up to {@code maxAbs}, in weight units. */
    static double roundingAllowance(double maxAbs, DType dtype) {
        return switch (dtype) {
            case F32 -> 4 * ulp(maxAbs, DType.F32);
            case F16, BF16 -> 1.5 * ulp(maxAbs, dtype);
            default -> throw new IllegalArgumentException(dtype.fileName() + " is not a float weight type");
        };
    }

    /** The spacing of {@code dtype}'s values at magnitude {@code x}. */
    static double ulp(double x, DType dtype) {
        double ulp32 = Math.ulp((float) x);
        return switch (dtype) {
            case F32 -> ulp32;
            // 10 and 7 stored mantissa bits against float32's 23; F16's subnormals are spaced 2^-24
            case F16 -> Math.max(ulp32 * 0x1p13, 0x1p-24);
            case BF16 -> ulp32 * 0x1p16;
            default -> throw new IllegalArgumentException(dtype.fileName() + " is not a float weight type");
        };
    }
}

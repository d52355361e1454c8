package dev.quantcheck.inspection;

import dev.quantcheck.format.NonFiniteValues;

import java.util.List;
import java.util.Optional;

/**
 * One row of an inspection: a quantized module ({@code P.weight} + {@code P.scales} [+ {@code P.biases}]) or any
 * other single tensor (a float Linear or Embedding weight, a LayerNorm weight, a bias).
 *
 * @param name          the weight tensor's name ({@code P.weight} for a quantized module), so that a float model
 *                      and its quantized conversion have the same row names
 * @param tensors       the tensors this row stands for, never empty
 * @param shape         the logical shape, unpacked for a quantized module ({@code [out, in]})
 * @param storage       {@code "U32 packed"} for a quantized module, else the stored dtype ({@code "F32"}, ...)
 * @param mode          MLX's mode for a quantized module, {@code "affine"} (inferred) for a fake one, null otherwise
 * @param bits          bits per weight of a quantized module, inferred bits of a fake one, null otherwise
 * @param groupSize     the group size of a quantized or fake module, null otherwise
 * @param bytes         the stored bytes of all of {@link #tensors}
 * @param bitsPerWeight {@code bytes * 8 / logical elements}: 4.5 for 4-bit in groups of 64 with fp16 scales and biases
 * @param candidate     true for a Linear or Embedding weight (rank 2, named {@code .weight}): what a converter
 *                      quantizes, and what the model's verdict is decided on
 * @param verdict       {@link Verdict#TRUE_QUANTIZED}, {@link Verdict#FAKE_QUANTIZED} or {@link Verdict#NOT_QUANTIZED}
 * @param evidence      one readable sentence on why
 * @param grid          the grid found, for a fake layer; empty otherwise
 * @param nonFinite     NaN and Inf per stored float tensor of the row, only tensors that have some
 * @param statistics    present when the inspection asked for them
 */
public record LayerReport(String name, List<String> tensors, List<Long> shape, String storage, String mode,
                          Integer bits, Integer groupSize, long bytes, double bitsPerWeight, boolean candidate,
                          Verdict verdict, String evidence, Optional<GridEvidence> grid,
                          List<NonFiniteValues> nonFinite, Optional<LayerStatistics> statistics) {

    /** What {@link #storage} says of a quantized module. */
    public static final String PACKED = "U32 packed";

    public LayerReport {
        tensors = List.copyOf(tensors);
        shape = List.copyOf(shape);
        nonFinite = List.copyOf(nonFinite);
    }

    /** The number of weights the model sees: the product of {@link #shape}. */
    public long logicalElements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public long nanCount() {
        return nonFinite.stream().mapToLong(NonFiniteValues::nanCount).sum();
    }

    public long infCount() {
        return nonFinite.stream().mapToLong(NonFiniteValues::infCount).sum();
    }

    /** The shape as numpy prints it, e.g. {@code [384, 1536]}. */
    public String shapeString() {
        return shape.toString();
    }
}

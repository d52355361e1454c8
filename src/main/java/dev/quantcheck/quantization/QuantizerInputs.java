package dev.quantcheck.quantization;

/** The checks every quantizer makes of its input matrix, with the same messages. */
final class QuantizerInputs {
    private QuantizerInputs() {
    }

    /**
     * @throws IllegalArgumentException when {@code weights} is not a finite row-major {@code [rows, cols]} matrix
     *                                  whose rows split into groups of {@code groupSize}
     */
    static void requireFiniteMatrix(float[] weights, int rows, int cols, int groupSize) {
        if (rows < 0 || cols <= 0) {
            throw new IllegalArgumentException("shape [" + rows + ", " + cols + "] is not a matrix; rows must be"
                    + " >= 0 and cols > 0");
        }
        if (cols % groupSize != 0) {
            throw new IllegalArgumentException("last dimension " + cols + " is not divisible by group size "
                    + groupSize);
        }
        if ((long) rows * cols != weights.length) {
            throw new IllegalArgumentException("shape [" + rows + ", " + cols + "] needs " + (long) rows * cols
                    + " weights, got " + weights.length);
        }
        for (int i = 0; i < weights.length; i++) {
            if (!Float.isFinite(weights[i])) {
                throw new IllegalArgumentException("weight [" + i / cols + ", " + i % cols + "] is "
                        + weights[i] + "; only finite weights can be quantized");
            }
        }
    }
}

package dev.quantcheck.quantization;

/**
 * The two ways MLX computes affine quantization parameters; they are not bit-identical
 * (docs/mlx-quantized-format.md section 1, "GPU and CPU are NOT bit-identical").
 *
 * <p>Both do every per-group step in float32. They differ in exactly two places: how halfway cases round, and
 * where the group's max-reduction starts. A Mac converts on the GPU by default, so {@link #GPU} is what
 * {@code mlx_lm.convert} and {@code mlx_embeddings.convert} produce there; Linux CPU wheels produce {@link #CPU}.
 * A verifier should accept either.
 */
public enum Rounding {
    /**
     * Metal and CUDA kernels: {@code round()} rounds halfway cases away from zero, and the max-reduction starts at
     * {@code w_max = 0}, so a group whose values are all negative is quantized over {@code [w_min, 0]}.
     * The default.
     */
    GPU {
        @Override
        public float round(float x) {
            float truncated = (float) (x < 0 ? Math.ceil(x) : Math.floor(x));
            // x - trunc(x) is exact in float, so this compares the true fraction with one half
            if (Math.abs(x - truncated) >= 0.5f) {
                truncated += Math.signum(x);
            }
            return truncated;
        }

        @Override
        public boolean groupMaxStartsAtZero() {
            return true;
        }
    },

    /**
     * MLX's CPU backend ({@code quantize} in backend/cpu/quantized.cpp): {@code std::rint} rounds halfway cases to
     * even, and the max-reduction is the true maximum of the group.
     */
    CPU {
        @Override
        public float round(float x) {
            return (float) Math.rint(x);
        }

        @Override
        public boolean groupMaxStartsAtZero() {
            return false;
        }
    };

    /**
     * {@code x} rounded to an integer-valued float the way this backend's kernel does.
     * Never {@link Math#round}, which is {@code floor(x + 0.5)} and matches neither backend.
     */
    public abstract float round(float x);

    /** True when the group maximum is {@code max(0, max_i w_i)} rather than {@code max_i w_i}. */
    public abstract boolean groupMaxStartsAtZero();
}

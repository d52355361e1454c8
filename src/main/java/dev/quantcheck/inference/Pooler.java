package dev.quantcheck.inference;

import dev.quantcheck.format.Pooling;

/** Sentence embeddings from token states, as sentence-transformers and mlx-embeddings pool them. */
final class Pooler {
    private Pooler() {
    }

    /** One text's embedding from its [length][hidden] real-token states. */
    static float[] pool(Pooling pooling, float[][] states) {
        int hidden = states[0].length;
        float[] out = new float[hidden];
        switch (pooling.mode()) {
            case CLS:
                System.arraycopy(states[0], 0, out, 0, hidden);
                break;
            case LAST_TOKEN:
                System.arraycopy(states[states.length - 1], 0, out, 0, hidden);
                break;
            case MAX:
                java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
                for (float[] token : states) {
                    for (int j = 0; j < hidden; j++) {
                        out[j] = Math.max(out[j], token[j]);
                    }
                }
                break;
            case MEAN:
            default:
                // accumulate in double: 512 tokens of float sums lose digits the fp32 reference keeps
                double[] sum = new double[hidden];
                for (float[] token : states) {
                    for (int j = 0; j < hidden; j++) {
                        sum[j] += token[j];
                    }
                }
                for (int j = 0; j < hidden; j++) {
                    out[j] = (float) (sum[j] / Math.max(states.length, 1e-9));
                }
        }
        if (pooling.normalize()) {
            double norm = 0;
            for (float v : out) {
                norm += (double) v * v;
            }
            float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-9));
            for (int j = 0; j < hidden; j++) {
                out[j] *= scale;
            }
        }
        return out;
    }
}

package dev.quantcheck.inference;

import java.util.Arrays;

/**
 * Token ids of a batch of texts, ragged: text {@code i} has {@link #length(int)} tokens, special tokens included.
 * The encoder only ever computes on real tokens; {@link #paddedIds()} and {@link #attentionMask()} give the
 * rectangular view (padded to the longest text) that ONNX Runtime and Hugging Face take.
 */
public final class TokenBatch {
    private final int[][] ids;
    private final int[][] typeIds;
    private final int padId;

    /**
     * @param ids     per text, its token ids
     * @param typeIds per text, its token type ids (same lengths as {@code ids})
     * @param padId   the id padded positions get in the rectangular view
     */
    public TokenBatch(int[][] ids, int[][] typeIds, int padId) {
        if (ids.length != typeIds.length) {
            throw new IllegalArgumentException(ids.length + " id rows but " + typeIds.length + " type id rows");
        }
        this.ids = new int[ids.length][];
        this.typeIds = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length == 0 || ids[i].length != typeIds[i].length) {
                throw new IllegalArgumentException("text " + i + " has " + ids[i].length + " ids and "
                        + typeIds[i].length + " type ids; both must be equal and non-zero");
            }
            this.ids[i] = ids[i].clone();
            this.typeIds[i] = typeIds[i].clone();
        }
        this.padId = padId;
    }

    /** A batch of one sequence with all type ids 0. */
    public static TokenBatch of(int... ids) {
        return new TokenBatch(new int[][] {ids}, new int[][] {new int[ids.length]}, 0);
    }

    public int size() {
        return ids.length;
    }

    public int length(int text) {
        return ids[text].length;
    }

    /** The longest text's length: the width of the rectangular view. */
    public int maxLength() {
        return Arrays.stream(ids).mapToInt(a -> a.length).max().orElse(0);
    }

    /** Real tokens in the whole batch. */
    public int totalTokens() {
        return Arrays.stream(ids).mapToInt(a -> a.length).sum();
    }

    public int[] ids(int text) {
        return ids[text].clone();
    }

    public int[] typeIds(int text) {
        return typeIds[text].clone();
    }

    int id(int text, int position) {
        return ids[text][position];
    }

    int typeId(int text, int position) {
        return typeIds[text][position];
    }

    /** [size][maxLength] ids, padded with the pad id. */
    public long[][] paddedIds() {
        return padded(ids, padId);
    }

    /** [size][maxLength] type ids, padded with 0. */
    public long[][] paddedTypeIds() {
        return padded(typeIds, 0);
    }

    /** [size][maxLength]: 1 for real tokens, 0 for padding. */
    public long[][] attentionMask() {
        long[][] mask = new long[ids.length][maxLength()];
        for (int i = 0; i < ids.length; i++) {
            Arrays.fill(mask[i], 0, ids[i].length, 1L);
        }
        return mask;
    }

    private long[][] padded(int[][] rows, int fill) {
        long[][] out = new long[rows.length][maxLength()];
        for (int i = 0; i < rows.length; i++) {
            Arrays.fill(out[i], fill);
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j];
            }
        }
        return out;
    }
}

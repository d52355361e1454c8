package dev.quantcheck.inference;

import java.util.List;
import java.util.Locale;

/**
 * What truncation to the maximum length did to a list of texts: their embeddings describe only the first
 * {@code maxLength} tokens, which users comparing long documents must be told.
 *
 * @param texts         how many texts were looked at
 * @param truncated     the indices of the texts that were cut
 * @param maxLength     the tokens kept per text, special tokens included
 * @param longestTokens the longest cut text's length before the cut (0 when none was cut)
 * @param droppedTokens tokens dropped over all texts
 */
public record Truncation(int texts, List<Integer> truncated, int maxLength, long longestTokens, long droppedTokens) {
    public Truncation {
        truncated = List.copyOf(truncated);
    }

    public boolean any() {
        return !truncated.isEmpty();
    }

    /** e.g. "8 of 800 texts cut to 512 tokens (the longest had 1,873; 6,112 tokens dropped)", or "none of 800 texts". */
    @Override
    public String toString() {
        if (!any()) {
            return String.format(Locale.ROOT, "none of %,d texts cut (at most %d tokens each)", texts, maxLength);
        }
        return String.format(Locale.ROOT, "%,d of %,d texts cut to %d tokens (the longest had %,d; %,d tokens dropped)",
                truncated.size(), texts, maxLength, longestTokens, droppedTokens);
    }
}

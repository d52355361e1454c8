package dev.quantcheck.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.quantcheck.QuantCheck;

import java.io.IOException;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's Hugging Face tokenizer ({@code tokenizer.json}, through DJL's bindings): special tokens as the file
 * declares them, truncation to a maximum length, no padding (batches stay ragged; see {@link TokenBatch}).
 *
 * <p>DJL is told to stay offline before it is first touched. Thread-safe (the native tokenizer is).
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    /** The same file without truncation, to count what truncation drops; made on first need. */
    private final Path file;
    private HuggingFaceTokenizer untruncated;
    private final int maxLength;
    private final int padId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Path file, int maxLength, int padId) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    /**
     * Loads {@code tokenizerJson}, truncating every text to {@code maxLength} tokens (special tokens included).
     */
    public static TextTokenizer load(Path tokenizerJson, int maxLength, int padId) throws IOException {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max length " + maxLength + " leaves no room for [CLS] and [SEP]");
        }
        QuantCheck.keepDjlOffline();
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxLength)
                    .optPadding(false)
                    .build();
        } catch (RuntimeException e) {
            throw new IOException(tokenizerJson + ": the tokenizer cannot be loaded (" + e.getMessage()
                    + "). Fix: use a Hugging Face tokenizers file (tokenizer.json) from the original model", e);
        }
        return new TextTokenizer(tokenizer, tokenizerJson, maxLength, padId);
    }

    public int maxLength() {
        return maxLength;
    }

    /** Token ids of {@code texts}, one ragged row per text. */
    public TokenBatch encode(List<String> texts) {
        if (texts.isEmpty()) {
            return new TokenBatch(new int[0][], new int[0][], padId);
        }
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int[][] ids = new int[texts.size()][];
        int[][] types = new int[texts.size()][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = toInts(encodings[i].getIds());
            types[i] = toInts(encodings[i].getTypeIds());
        }
        return new TokenBatch(ids, types, padId);
    }

    /** Which of {@code texts} {@link #encode} cuts to {@link #maxLength()} tokens, and by how much. */
    public Truncation truncation(List<String> texts) {
        List<Integer> truncated = new ArrayList<>();
        long longest = 0;
        long dropped = 0;
        for (int i = 0; i < texts.size(); i++) {
            if (tokenizer.encode(texts.get(i)).exceedMaxLength()) {
                long length = untruncated().encode(texts.get(i)).getIds().length;
                truncated.add(i);
                longest = Math.max(longest, length);
                dropped += length - maxLength;
            }
        }
        return new Truncation(texts.size(), truncated, maxLength, longest, dropped);
    }

    private synchronized HuggingFaceTokenizer untruncated() {
        if (untruncated == null) {
            try {
                untruncated = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true)
                        .optTruncation(false).optPadding(false).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return untruncated;
    }

    /** The tokens (strings) of one text, for messages and debugging. */
    public List<String> tokens(String text) {
        return List.of(tokenizer.encode(text).getTokens());
    }

    private static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        tokenizer.close();
        if (untruncated != null) {
            untruncated.close();
        }
    }
}

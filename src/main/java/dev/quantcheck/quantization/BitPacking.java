package dev.quantcheck.quantization;

/**
 * MLX's packing of small unsigned codes into uint32 words (docs/mlx-quantized-format.md section 2).
 *
 * <p>A row is one LSB-first bit stream: code {@code j} occupies stream bits {@code [j*bits, (j+1)*bits)}, and
 * stream bit {@code k} is bit {@code k % 32} of word {@code k / 32}. At 3, 5 and 6 bits a code may straddle two
 * words; MLX's 3-, 5- and 6-bit byte maps are this same stream read as little-endian bytes. Words are Java ints
 * holding the uint32 bit patterns.
 */
public final class BitPacking {
    private BitPacking() {
    }

    /** Words needed for {@code count} codes of {@code bits} bits: {@code ceil(count * bits / 32)}. */
    public static int wordCount(int count, int bits) {
        requireBits(bits);
        return (int) (((long) count * bits + 31) / 32);
    }

    /**
     * Packs one row of codes, each in {@code [0, 2^bits)}.
     *
     * @throws IllegalArgumentException for bits outside 1..8 or a code that does not fit
     */
    public static int[] pack(int[] codes, int bits) {
        int[] words = new int[wordCount(codes.length, bits)];
        packInto(codes, 0, codes.length, bits, words, 0);
        return words;
    }

    /** The first {@code count} codes of a packed row. */
    public static int[] unpack(int[] words, int bits, int count) {
        if (wordCount(count, bits) > words.length) {
            throw new IllegalArgumentException(count + " codes of " + bits + " bits need "
                    + wordCount(count, bits) + " words, got " + words.length);
        }
        int[] codes = new int[count];
        for (int j = 0; j < count; j++) {
            codes[j] = codeAt(words, 0, j, bits);
        }
        return codes;
    }

    /**
     * ORs {@code count} codes starting at {@code codes[codeOffset]} into the stream that starts at
     * {@code words[wordOffset]}; the target words must start out zero.
     */
    static void packInto(int[] codes, int codeOffset, int count, int bits, int[] words, int wordOffset) {
        requireBits(bits);
        int limit = 1 << bits;
        for (int j = 0; j < count; j++) {
            int code = codes[codeOffset + j];
            if (code < 0 || code >= limit) {
                throw new IllegalArgumentException("code " + code + " at index " + j + " does not fit in "
                        + bits + " bits; codes must be in [0, " + (limit - 1) + "]");
            }
            long bitPosition = (long) j * bits;
            int word = wordOffset + (int) (bitPosition >>> 5);
            int shift = (int) (bitPosition & 31);
            words[word] |= code << shift;
            if (shift + bits > 32) {
                // the high bits of a straddling code start the next word
                words[word + 1] |= code >>> (32 - shift);
            }
        }
    }

    /** Code {@code index} of the stream that starts at {@code words[wordOffset]}; no allocation, for kernels. */
    public static int codeAt(int[] words, int wordOffset, int index, int bits) {
        long bitPosition = (long) index * bits;
        int word = wordOffset + (int) (bitPosition >>> 5);
        int shift = (int) (bitPosition & 31);
        long window = words[word] & 0xFFFF_FFFFL;
        if (shift + bits > 32) {
            window |= (words[word + 1] & 0xFFFF_FFFFL) << 32;
        }
        return (int) (window >>> shift) & ((1 << bits) - 1);
    }

    private static void requireBits(int bits) {
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("bits " + bits + " cannot be packed; use 1 to 8");
        }
    }
}

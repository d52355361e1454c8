package dev.quantcheck.quantization;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Section 2: one LSB-first bit stream per row, checked against hand-built words and MLX's byte maps. */
class BitPackingTest {

    @Test
    void fourBitCodesZeroToSevenPackTo0x76543210() {
        // the spec's worked example: element j sits in nibble j
        assertThat(BitPacking.pack(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 4)).containsExactly(0x76543210);
    }

    @Test
    void twoAndEightBitCodesFillWholeWords() {
        // 2 bits: 16 codes per word, code j at bits 2j..2j+1; codes 3,0,1,2,... -> 0b10_01_00_11 in the low byte
        int[] codes = new int[16];
        codes[0] = 3;
        codes[2] = 1;
        codes[3] = 2;
        codes[15] = 3;
        assertThat(BitPacking.pack(codes, 2)).containsExactly(0xC000_0093);
        // 8 bits: one byte per code, little-endian
        assertThat(BitPacking.pack(new int[] {0x11, 0x22, 0x33, 0xFF, 0x80}, 8))
                .containsExactly(0xFF33_2211, 0x0000_0080);
    }

    @Test
    void threeBitCodeTenStraddlesWordsZeroAndOne() {
        // code #10 occupies stream bits 30, 31, 32: bits 30-31 of word 0 and bit 0 of word 1
        int[] codes = new int[32];
        codes[10] = 0b101;
        // bit 30 <- 1 (the code's bit 0), bit 31 <- 0, word1 bit 0 <- 1 (the code's bit 2)
        assertThat(BitPacking.pack(codes, 3)).containsExactly(0x4000_0000, 0x0000_0001, 0);

        codes[9] = 0b111;  // stream bits 27-29: 0x3800_0000
        codes[10] = 0b110; // bit 30 <- 0, bit 31 <- 1, word1 bit 0 <- 1
        codes[11] = 0b111; // stream bits 33-35: word1 bits 1-3, 0xE
        codes[31] = 0b100; // stream bits 93-95: word 2 bit 31 only
        int[] words = BitPacking.pack(codes, 3);
        assertThat(words).containsExactly(0xB800_0000, 0x0000_000F, 0x8000_0000);
        assertThat(BitPacking.unpack(words, 3, 32)).containsExactly(codes);
        assertThat(BitPacking.codeAt(words, 0, 10, 3)).isEqualTo(0b110);
    }

    @Test
    void threeBitStreamMatchesMlxByteMap() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int[] v = randomCodes(random, 32, 3);
            int[] bytes = littleEndianBytes(BitPacking.pack(v, 3));
            for (int pack = 0; pack < 4; pack++) {
                int o = 8 * pack;
                int b = 3 * pack;
                assertThat(bytes[b]).isEqualTo((v[o] | v[o + 1] << 3 | (v[o + 2] & 3) << 6) & 0xFF);
                assertThat(bytes[b + 1]).isEqualTo(
                        (v[o + 2] >> 2 | v[o + 3] << 1 | v[o + 4] << 4 | (v[o + 5] & 1) << 7) & 0xFF);
                assertThat(bytes[b + 2]).isEqualTo((v[o + 5] >> 1 | v[o + 6] << 2 | v[o + 7] << 5) & 0xFF);
            }
        }
    }

    @Test
    void fiveBitStreamMatchesMlxByteMap() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            int[] v = randomCodes(random, 32, 5);
            int[] bytes = littleEndianBytes(BitPacking.pack(v, 5));
            for (int pack = 0; pack < 4; pack++) {
                int o = 8 * pack;
                int b = 5 * pack;
                assertThat(bytes[b]).isEqualTo((v[o] | (v[o + 1] & 7) << 5) & 0xFF);
                assertThat(bytes[b + 1]).isEqualTo((v[o + 1] >> 3 | v[o + 2] << 2 | (v[o + 3] & 1) << 7) & 0xFF);
                assertThat(bytes[b + 2]).isEqualTo((v[o + 3] >> 1 | (v[o + 4] & 15) << 4) & 0xFF);
                assertThat(bytes[b + 3]).isEqualTo((v[o + 4] >> 4 | v[o + 5] << 1 | (v[o + 6] & 3) << 6) & 0xFF);
                assertThat(bytes[b + 4]).isEqualTo((v[o + 6] >> 2 | v[o + 7] << 3) & 0xFF);
            }
        }
    }

    @Test
    void sixBitStreamMatchesMlxByteMap() {
        SplittableRandom random = new SplittableRandom(6);
        for (int trial = 0; trial < 50; trial++) {
            int[] v = randomCodes(random, 16, 6);
            int[] bytes = littleEndianBytes(BitPacking.pack(v, 6));
            for (int pack = 0; pack < 4; pack++) {
                int o = 4 * pack;
                int b = 3 * pack;
                assertThat(bytes[b]).isEqualTo((v[o] | (v[o + 1] & 3) << 6) & 0xFF);
                assertThat(bytes[b + 1]).isEqualTo((v[o + 1] >> 2 | (v[o + 2] & 15) << 4) & 0xFF);
                assertThat(bytes[b + 2]).isEqualTo((v[o + 2] >> 4 | v[o + 3] << 2) & 0xFF);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void unpackInvertsPackForRandomCodes(int bits) {
        SplittableRandom random = new SplittableRandom(100 + bits);
        for (int count : new int[] {0, 1, 13, 32, 33, 64, 127, 512}) {
            int[] codes = randomCodes(random, count, bits);
            int[] words = BitPacking.pack(codes, bits);
            assertThat(words).hasSize((count * bits + 31) / 32);
            assertThat(BitPacking.unpack(words, bits, count)).as("bits %d, count %d", bits, count)
                    .containsExactly(codes);
        }
    }

    @Test
    void maximalCodesSetEveryStreamBit() {
        for (int bits = 1; bits <= 8; bits++) {
            int[] codes = new int[32];
            java.util.Arrays.fill(codes, (1 << bits) - 1);
            assertThat(BitPacking.pack(codes, bits)).as("bits %d", bits).containsOnly(0xFFFF_FFFF);
        }
    }

    @Test
    void rejectsCodesThatDoNotFitAndUnsupportedWidths() {
        assertThatIllegalArgumentException().isThrownBy(() -> BitPacking.pack(new int[] {0, 8}, 3))
                .withMessage("code 8 at index 1 does not fit in 3 bits; codes must be in [0, 7]");
        assertThatIllegalArgumentException().isThrownBy(() -> BitPacking.pack(new int[] {-1}, 4));
        assertThatIllegalArgumentException().isThrownBy(() -> BitPacking.pack(new int[] {1}, 9))
                .withMessageContaining("bits 9");
        assertThatIllegalArgumentException().isThrownBy(() -> BitPacking.unpack(new int[1], 4, 9))
                .withMessageContaining("need 2 words");
    }

    static int[] randomCodes(SplittableRandom random, int count, int bits) {
        int[] codes = new int[count];
        for (int i = 0; i < count; i++) {
            codes[i] = random.nextInt(1 << bits);
        }
        return codes;
    }

    /** The words as the byte stream a little-endian file holds. */
    private static int[] littleEndianBytes(int[] words) {
        int[] bytes = new int[words.length * 4];
        for (int k = 0; k < bytes.length; k++) {
            bytes[k] = (words[k / 4] >>> (8 * (k % 4))) & 0xFF;
        }
        return bytes;
    }
}

package dev.quantcheck.inference.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TiledCodesTest {
    private final SplittableRandom random = new SplittableRandom(3);

    @Test
    void everyCodeComesBackForEveryWidthAndRaggedLastTile() {
        for (int bits : new int[] {1, 2, 3, 4, 5, 6, 8}) {
            for (int rows : new int[] {1, 15, 16, 17, 40}) {
                for (int cols : new int[] {8, 64, 136}) {
                    int[][] codes = new int[rows][cols];
                    for (int[] row : codes) {
                        for (int c = 0; c < cols; c++) {
                            row[c] = random.nextInt(1 << bits);
                        }
                    }
                    byte[] packed = TiledCodes.pack(rows, cols, bits, (r, out) -> System.arraycopy(codes[r], 0, out, 0, cols));
                    assertThat((long) packed.length).isEqualTo(TiledCodes.byteSize(rows, cols, bits))
                            .isEqualTo((long) rows * cols * bits / 8);
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            assertThat(TiledCodes.code(packed, rows, cols, bits, r, c))
                                    .as("bits %d [%d, %d] of %dx%d", bits, r, c, rows, cols).isEqualTo(codes[r][c]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theLowPlaneSplitsOddWidths() {
        assertThat(TiledCodes.lowBits(3)).isEqualTo(2);
        assertThat(TiledCodes.lowBits(5)).isEqualTo(4);
        assertThat(TiledCodes.lowBits(6)).isEqualTo(4);
        assertThat(TiledCodes.lowBits(8)).isEqualTo(8);
        assertThatThrownBy(() -> TiledCodes.lowBits(7)).hasMessageContaining("bits 7");
    }

    @Test
    void codesThatDoNotFitAndRaggedColumnsAreRejected() {
        assertThatThrownBy(() -> TiledCodes.pack(1, 8, 2, (r, out) -> out[5] = 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 4 at [0, 5]");
        assertThatThrownBy(() -> TiledCodes.pack(1, 12, 4, (r, out) -> { }))
                .hasMessageContaining("multiple of 8");
    }
}

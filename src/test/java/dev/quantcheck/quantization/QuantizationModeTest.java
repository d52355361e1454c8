package dev.quantcheck.quantization;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class QuantizationModeTest {

    @Test
    void configNamesAreMlxSpellings() {
        assertThat(QuantizationMode.AFFINE.configName()).isEqualTo("affine");
        assertThat(QuantizationMode.MXFP4.configName()).isEqualTo("mxfp4");
        assertThat(QuantizationMode.MXFP8.configName()).isEqualTo("mxfp8");
        assertThat(QuantizationMode.NVFP4.configName()).isEqualTo("nvfp4");
        for (QuantizationMode mode : QuantizationMode.values()) {
            assertThat(QuantizationMode.fromConfigName(mode.configName())).isSameAs(mode);
        }
    }

    @Test
    void allowedBitsAndGroupSizesFollowMlx() {
        assertThat(QuantizationMode.AFFINE.allowedBits()).containsExactly(2, 3, 4, 5, 6, 8);
        assertThat(QuantizationMode.AFFINE.allowedGroupSizes()).containsExactly(32, 64, 128);
        assertThat(QuantizationMode.MXFP4.allowedBits()).containsExactly(4);
        assertThat(QuantizationMode.MXFP4.allowedGroupSizes()).containsExactly(32);
        assertThat(QuantizationMode.MXFP8.allowedBits()).containsExactly(8);
        assertThat(QuantizationMode.MXFP8.allowedGroupSizes()).containsExactly(32);
        assertThat(QuantizationMode.NVFP4.allowedBits()).containsExactly(4);
        assertThat(QuantizationMode.NVFP4.allowedGroupSizes()).containsExactly(16);
        assertThat(QuantizationMode.AFFINE.defaultBits()).isEqualTo(4);
        assertThat(QuantizationMode.AFFINE.defaultGroupSize()).isEqualTo(64);
        assertThat(QuantizationMode.AFFINE.hasBiases()).isTrue();
        assertThat(QuantizationMode.NVFP4.hasBiases()).isFalse();
    }

    @Test
    void unknownNameListsTheValidOnes() {
        assertThatIllegalArgumentException().isThrownBy(() -> QuantizationMode.fromConfigName("int8"))
                .withMessage("unknown quantization mode 'int8'; use one of affine, mxfp4, mxfp8, nvfp4");
        assertThatIllegalArgumentException().isThrownBy(() -> QuantizationMode.fromConfigName("AFFINE"));
        assertThatIllegalArgumentException().isThrownBy(() -> QuantizationMode.fromConfigName(null));
    }

    @Test
    void unsupportedBitsAndGroupSizesAreNamedWithTheAllowedValues() {
        assertThatIllegalArgumentException().isThrownBy(() -> QuantizationMode.AFFINE.requireSupported(7, 64))
                .withMessage("bits 7 is not supported by affine quantization; use one of [2, 3, 4, 5, 6, 8]");
        assertThatIllegalArgumentException().isThrownBy(() -> QuantizationMode.AFFINE.requireSupported(4, 48))
                .withMessage("group size 48 is not supported by affine quantization; use one of [32, 64, 128]");
        assertThatIllegalArgumentException().isThrownBy(() -> QuantizationMode.NVFP4.requireSupported(4, 32))
                .withMessageContaining("group size 32").withMessageContaining("[16]");
        assertThatIllegalArgumentException().isThrownBy(() -> QuantizationMode.MXFP8.requireSupported(4, 32))
                .withMessageContaining("bits 4").withMessageContaining("[8]");
    }
}

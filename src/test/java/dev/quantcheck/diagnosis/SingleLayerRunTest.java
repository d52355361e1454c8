package dev.quantcheck.diagnosis;

import dev.quantcheck.conversion.ConversionOptions;
import dev.quantcheck.conversion.Converter;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.inference.EncoderOutput;
import dev.quantcheck.inference.TokenBatch;
import dev.quantcheck.testing.TinyBert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the diagnosis stands on: {@link Encoder#runEmbeddings}, {@link Encoder#runLayer} and
 * {@link Encoder#runSubLayer} compute exactly what {@link Encoder#forward} computes (with the plain-Java kernels,
 * whose bits never depend on the JIT; see {@link LayerDiagnosisTest}).
 */
class SingleLayerRunTest {
    @TempDir
    Path dir;

    private Path model(boolean quantized) throws IOException {
        Path tiny = TinyBert.builder().layers(3).write(dir.resolve("tiny"));
        if (!quantized) {
            return tiny;
        }
        Path q4 = dir.resolve("q4");
        Converter.convert(tiny, q4, ConversionOptions.defaults().withBits(4), false);
        return q4;
    }

    @ParameterizedTest(name = "quantized {0}")
    @ValueSource(booleans = {false, true})
    void layersRunOneByOneGiveTheForwardPassesHiddenStatesBitForBit(boolean quantized) throws IOException {
        try (Encoder encoder = Encoder.load(model(quantized), LayerDiagnosisTest.SCALAR)) {
            TokenBatch batch = encoder.tokenize(LayerDiagnosisTest.TEXTS);
            EncoderOutput forward = encoder.forward(batch, true);

            float[] h = encoder.runEmbeddings(batch);
            assertThat(h).isEqualTo(flat(forward, 0));
            for (int l = 0; l < 3; l++) {
                float[] input = h.clone();
                h = encoder.runLayer(l, batch, h, null);
                assertThat(h).as("layer %d", l).isEqualTo(flat(forward, l + 1));
                assertThat(encoder.runLayer(l, batch, input, null)).as("input left unchanged").isEqualTo(h);
            }
        }
    }

    @Test
    void theTapSeesEverySubLayerInOrderAndRunSubLayerReproducesIt() throws IOException {
        try (Encoder encoder = Encoder.load(model(false), LayerDiagnosisTest.SCALAR)) {
            TokenBatch batch = encoder.tokenize(LayerDiagnosisTest.TEXTS);
            int tokens = batch.totalTokens();
            List<Encoder.SubLayer> seen = new ArrayList<>();
            encoder.runLayer(1, batch, encoder.runEmbeddings(batch), (s, in, out) -> {
                seen.add(s);
                assertThat(in).hasSize(tokens * (s == Encoder.SubLayer.OUTPUT ? 128 : 64));
                assertThat(out).hasSize(tokens * (s == Encoder.SubLayer.INTERMEDIATE ? 128 : 64));
                assertThat(encoder.runSubLayer(1, s, in, tokens)).as(s.name()).isEqualTo(out);
            });
            assertThat(seen).containsExactly(Encoder.SubLayer.values());
        }
    }

    @Test
    void refusesALayerOutOfRangeAndStatesOfTheWrongSize() throws IOException {
        try (Encoder encoder = Encoder.load(model(false), LayerDiagnosisTest.SCALAR)) {
            TokenBatch batch = encoder.tokenize(List.of("a cat"));
            float[] h = encoder.runEmbeddings(batch);
            assertThatThrownBy(() -> encoder.runLayer(3, batch, h, null))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("layer 3 of a 3-layer model");
            assertThatThrownBy(() -> encoder.runLayer(0, batch, new float[h.length - 1], null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the batch needs 4 x 64");
            assertThatThrownBy(() -> encoder.runSubLayer(0, Encoder.SubLayer.OUTPUT, h, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the batch needs 4 x 128");
        }
    }

    /** Hidden state {@code state} of every text, flattened in the runLayer layout. */
    private static float[] flat(EncoderOutput output, int state) {
        TokenBatch batch = output.batch();
        float[] out = new float[batch.totalTokens() * output.hiddenSize()];
        int at = 0;
        for (int text = 0; text < batch.size(); text++) {
            for (float[] row : output.hiddenState(state, text)) {
                System.arraycopy(row, 0, out, at, row.length);
                at += row.length;
            }
        }
        return out;
    }
}

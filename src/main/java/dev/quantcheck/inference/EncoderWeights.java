package dev.quantcheck.inference;

import dev.quantcheck.format.Architecture;
import dev.quantcheck.format.LayerModule;
import dev.quantcheck.format.ModelDirectory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every weight of a BERT or DistilBERT encoder, resident as stored (packed when quantized), under one set of roles
 * whatever the architecture's names.
 */
final class EncoderWeights {
    /** One transformer layer. */
    record Layer(LinearWeight query, float[] queryBias, LinearWeight key, float[] keyBias,
                 LinearWeight value, float[] valueBias, LinearWeight attentionOut, float[] attentionOutBias,
                 float[] attentionNormWeight, float[] attentionNormBias,
                 LinearWeight ffnIn, float[] ffnInBias, LinearWeight ffnOut, float[] ffnOutBias,
                 float[] ffnNormWeight, float[] ffnNormBias) {
    }

    final LinearWeight wordEmbeddings;
    final LinearWeight positionEmbeddings;
    /** Null for DistilBERT, which has no token types. */
    final LinearWeight tokenTypeEmbeddings;
    final float[] embeddingNormWeight;
    final float[] embeddingNormBias;
    final List<Layer> layers;

    private EncoderWeights(LinearWeight word, LinearWeight position, LinearWeight tokenType, float[] normWeight,
                           float[] normBias, List<Layer> layers) {
        this.wordEmbeddings = word;
        this.positionEmbeddings = position;
        this.tokenTypeEmbeddings = tokenType;
        this.embeddingNormWeight = normWeight;
        this.embeddingNormBias = normBias;
        this.layers = List.copyOf(layers);
    }

    static EncoderWeights load(ModelDirectory model) throws IOException {
        Loader l = new Loader(model, model.weightPrefix());
        String e = "embeddings.";
        LinearWeight tokenType = model.architecture() == Architecture.BERT
                ? l.linear(e + "token_type_embeddings") : null;
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < model.config().numLayers(); i++) {
            layers.add(layer(l, model.architecture(), i));
        }
        return new EncoderWeights(l.linear(e + "word_embeddings"), l.linear(e + "position_embeddings"), tokenType,
                l.norm(e + "LayerNorm", true), l.norm(e + "LayerNorm", false), layers);
    }

    private static Layer layer(Loader l, Architecture a, int i) throws IOException {
        String query = LayerModule.QUERY.path(a, i);
        String key = LayerModule.KEY.path(a, i);
        String value = LayerModule.VALUE.path(a, i);
        String attentionOut = LayerModule.ATTENTION_OUTPUT.path(a, i);
        String attentionNorm = LayerModule.ATTENTION_NORM.path(a, i);
        String ffnIn = LayerModule.INTERMEDIATE.path(a, i);
        String ffnOut = LayerModule.OUTPUT.path(a, i);
        String ffnNorm = LayerModule.OUTPUT_NORM.path(a, i);
        return new Layer(
                l.linear(query), l.bias(query), l.linear(key), l.bias(key), l.linear(value), l.bias(value),
                l.linear(attentionOut), l.bias(attentionOut), l.norm(attentionNorm, true), l.norm(attentionNorm, false),
                l.linear(ffnIn), l.bias(ffnIn), l.linear(ffnOut), l.bias(ffnOut),
                l.norm(ffnNorm, true), l.norm(ffnNorm, false));
    }

    /** Bytes resident: every weight as stored plus the float vectors. */
    long residentBytes() {
        long total = wordEmbeddings.residentBytes() + positionEmbeddings.residentBytes()
                + (tokenTypeEmbeddings == null ? 0 : tokenTypeEmbeddings.residentBytes())
                + 4L * (embeddingNormWeight.length + embeddingNormBias.length);
        for (Layer layer : layers) {
            for (LinearWeight w : new LinearWeight[] {layer.query(), layer.key(), layer.value(), layer.attentionOut(),
                    layer.ffnIn(), layer.ffnOut()}) {
                total += w.residentBytes();
            }
            for (float[] v : new float[][] {layer.queryBias(), layer.keyBias(), layer.valueBias(),
                    layer.attentionOutBias(), layer.attentionNormWeight(), layer.attentionNormBias(),
                    layer.ffnInBias(), layer.ffnOutBias(), layer.ffnNormWeight(), layer.ffnNormBias()}) {
                total += 4L * v.length;
            }
        }
        return total;
    }

    /**
     * Looks weights up under the model's prefix. {@link ModelDirectory#open} has checked that each is there, stored
     * as floats or packed, in the shape the config implies.
     */
    private record Loader(ModelDirectory model, String prefix) {
        LinearWeight linear(String module) {
            return LinearWeights.load(model, prefix + module);
        }

        float[] bias(String module) {
            return model.weights().floats(prefix + module + ".bias");
        }

        /** LayerNorm weight (gamma) or bias (beta), under either naming. */
        float[] norm(String module, boolean weight) {
            String modern = module + (weight ? ".weight" : ".bias");
            String legacy = module + (weight ? ".gamma" : ".beta");
            return model.weights().floats(prefix + (model.weights().contains(prefix + modern) ? modern : legacy));
        }
    }
}

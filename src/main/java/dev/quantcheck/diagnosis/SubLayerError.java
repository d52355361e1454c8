package dev.quantcheck.diagnosis;

import dev.quantcheck.inference.Encoder;

/**
 * The error of one linear sub-layer of the candidate on its own: the candidate's sub-layer is fed exactly the input
 * the reference's sub-layer got (same layer, same texts), and its output, bias added and before any activation,
 * residual or LayerNorm, is compared with the reference's.
 *
 * @param name          the model's module name, e.g. {@code encoder.layer.3.intermediate.dense} or
 *                      {@code transformer.layer.3.ffn.lin1} for DistilBERT
 * @param layer         the transformer layer, 0-based as in the name
 * @param subLayer      which projection
 * @param relativeError {@code ||c - r|| / ||r||} over all real tokens (Frobenius); 0 when the weights agree
 */
public record SubLayerError(String name, int layer, Encoder.SubLayer subLayer, double relativeError) {
}

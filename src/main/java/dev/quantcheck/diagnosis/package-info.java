/**
 * Layer-by-layer diagnosis of a quantized encoder whose embeddings drift from the original's: where does the error
 * enter, and which weight is to blame?
 *
 * <p>{@link dev.quantcheck.diagnosis.LayerDiagnosis#run} compares a candidate with its reference at every hidden
 * state (the embeddings, then each transformer layer) in two ways:
 * <ul>
 *   <li><b>accumulated</b>: both models run end to end; after each layer the candidate's states are compared with
 *       the reference's. This is the error a user sees at that depth, everything upstream included.</li>
 *   <li><b>introduced</b>: the candidate's layer {@code l} is fed the reference's input of layer {@code l}, and its
 *       output is compared with the reference's output of layer {@code l}. This is the error layer {@code l} adds on
 *       its own, free of upstream error. Its linear sub-layers (query, key, value, attention output, intermediate,
 *       output) are checked the same way, each fed the reference's input to that projection.</li>
 * </ul>
 * The largest introduced error marks where the error enters; the worst sub-layer names the weight to keep at more
 * bits. {@link dev.quantcheck.diagnosis.DiagnosisReport#summary()} says it in one line for a failing test.
 */
package dev.quantcheck.diagnosis;

package dev.quantcheck.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantcheck.inference.Encoder;
import dev.quantcheck.inference.EncoderOptions;
import dev.quantcheck.inference.EncoderOutput;
import dev.quantcheck.inference.TokenBatch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** One engine with one token batch loaded, ready to run forward passes of it. */
interface Engine extends AutoCloseable {
    /** The engines the benchmarks compare, by the names JMH's {@code engine} parameter takes. */
    String[] NAMES = {"quantcheck-fp32", "quantcheck-q8", "quantcheck-q4", "onnxruntime-fp32", "onnxruntime-int8"};

    /** One forward pass of the loaded batch; the result keeps the work alive for JMH's blackhole. */
    Object forward() throws Exception;

    /** last_hidden_state [text][token][hidden] of one forward pass (for checks, not timed). */
    float[][][] lastHiddenState() throws Exception;

    /** Bytes of weights the engine says it holds, or -1 when it cannot say. */
    long weightBytes();

    @Override
    void close() throws IOException, OrtException;

    static Engine open(String name, TokenBatch batch, int threads) throws IOException, OrtException {
        switch (name) {
            case "quantcheck-fp32": return new Quantcheck(Encoder.load(BenchModels.fp32(), options(threads)), batch);
            case "quantcheck-q8": return new Quantcheck(Encoder.load(BenchModels.quantized(8), options(threads)), batch);
            case "quantcheck-q4": return new Quantcheck(Encoder.load(BenchModels.quantized(4), options(threads)), batch);
            case "onnxruntime-fp32": return new OnnxRuntime(BenchModels.onnxFp32(), batch, threads);
            case "onnxruntime-int8": return new OnnxRuntime(BenchModels.onnxInt8(), batch, threads);
            default: throw new IllegalArgumentException("unknown engine " + name + "; one of "
                    + String.join(", ", NAMES));
        }
    }

    private static EncoderOptions options(int threads) {
        return EncoderOptions.defaults().withThreads(threads);
    }

    /** quantcheck's Java encoder on a model folder. */
    final class Quantcheck implements Engine {
        private final Encoder encoder;
        private final TokenBatch batch;

        Quantcheck(Encoder encoder, TokenBatch batch) {
            this.encoder = encoder;
            this.batch = batch;
        }

        @Override
        public EncoderOutput forward() {
            return encoder.forward(batch, false);
        }

        @Override
        public float[][][] lastHiddenState() {
            EncoderOutput out = forward();
            float[][][] states = new float[batch.size()][][];
            for (int i = 0; i < states.length; i++) {
                states[i] = out.lastHiddenState(i);
            }
            return states;
        }

        @Override
        public long weightBytes() {
            return encoder.residentBytes();
        }

        @Override
        public void close() throws IOException {
            encoder.close();
        }

        @Override
        public String toString() {
            return encoder + ", " + encoder.residentBytes() + " weight bytes";
        }
    }

    /**
     * ONNX Runtime (CPU, all graph optimisations, sequential execution, {@code threads} intra-op threads) with the
     * batch's input tensors created once: a forward pass is one {@code session.run}, the output stays native.
     */
    final class OnnxRuntime implements Engine {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final Map<String, OnnxTensor> inputs;

        OnnxRuntime(Path model, TokenBatch batch, int threads) throws OrtException {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = env.createSession(model.toString(), options);
            }
            inputs = Map.of("input_ids", OnnxTensor.createTensor(env, batch.paddedIds()),
                    "attention_mask", OnnxTensor.createTensor(env, batch.attentionMask()),
                    "token_type_ids", OnnxTensor.createTensor(env, batch.paddedTypeIds()));
        }

        @Override
        public Object forward() throws OrtException {
            try (OrtSession.Result result = session.run(inputs)) {
                return result; // computed natively; closing frees the output
            }
        }

        @Override
        public float[][][] lastHiddenState() throws OrtException {
            try (OrtSession.Result result = session.run(inputs)) {
                return (float[][][]) result.get(0).getValue();
            }
        }

        @Override
        public long weightBytes() {
            return -1;
        }

        @Override
        public void close() throws OrtException {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
            session.close();
        }

        @Override
        public String toString() {
            return "ONNX Runtime session, inputs " + session.getInputNames();
        }
    }
}

package dev.quantcheck.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantcheck.onnx.BuiltinMiniLm;

import java.io.IOException;
import java.util.Map;

/** ONNX Runtime on the original all-MiniLM-L6-v2 ONNX file: the independent reference for the fp32 path. */
final class OnnxRuntimeReference implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxRuntimeReference() throws IOException, OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(2);
        session = env.createSession(BuiltinMiniLm.load().onnx(), options);
    }

    /** last_hidden_state [batch][maxLength][hidden] for the padded batch. */
    float[][][] lastHiddenState(TokenBatch batch) throws OrtException {
        try (OnnxTensor ids = OnnxTensor.createTensor(env, batch.paddedIds());
             OnnxTensor mask = OnnxTensor.createTensor(env, batch.attentionMask());
             OnnxTensor types = OnnxTensor.createTensor(env, batch.paddedTypeIds());
             OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                     "token_type_ids", types))) {
            return (float[][][]) result.get(0).getValue();
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

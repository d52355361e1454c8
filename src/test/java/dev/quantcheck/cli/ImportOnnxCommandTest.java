package dev.quantcheck.cli;

import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.format.SafetensorsFile;
import dev.quantcheck.format.SafetensorsWriter;
import dev.quantcheck.format.TensorInfo;
import dev.quantcheck.models.BuiltinModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code import-onnx} on the real all-MiniLM-L6-v2, and the round trip the foundation promises. */
class ImportOnnxCommandTest {
    @TempDir
    Path dir;

    @Test
    void importsTheBuiltinMiniLmIntoAModelFolder() throws IOException {
        Path out = dir.resolve("minilm");
        CliRun run = CliRun.of("import-onnx", "--output", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Imported all-minilm-l6-v2.onnx",
                "bert: 6 layers, hidden 384, 12 heads, intermediate 1536, vocab 30522, 512 positions",
                "pooling mean + L2 normalisation");
        try (ModelDirectory model = ModelDirectory.open(out)) {
            assertThat(model.config().numLayers()).isEqualTo(6);
            assertThat(model.weights().names()).hasSize(101);
        }
    }

    @Test
    void readWriteReadOfTheImportedModelIsByteIdenticalInEveryTensor() throws IOException {
        Path model = BuiltinModels.miniLm();
        Path copy = dir.resolve("copy.safetensors");
        try (SafetensorsFile original = SafetensorsFile.open(model.resolve("model.safetensors"))) {
            new SafetensorsWriter().addAll(original).write(copy);
            try (SafetensorsFile reread = SafetensorsFile.open(copy)) {
                assertThat(reread.names()).isEqualTo(original.names());
                for (TensorInfo t : original.tensors()) {
                    TensorInfo r = reread.info(t.name());
                    assertThat(r.dtype()).isEqualTo(t.dtype());
                    assertThat(r.shape()).isEqualTo(t.shape());
                    assertThat(reread.bytes(t.name())).as(t.name()).isEqualTo(original.bytes(t.name()));
                }
                assertThat(reread.metadata()).isEqualTo(original.metadata());
            }
        }
    }

    @Test
    void theBuiltinModelLivesInOneWellKnownPlace() throws IOException {
        Path model = BuiltinModels.miniLm();
        assertThat(model).isEqualTo(Path.of("models/hf/all-minilm-l6-v2").toAbsolutePath());
        assertThat(model.resolve("model.safetensors")).isRegularFile();
        assertThat(Files.size(model.resolve("model.safetensors"))).isGreaterThan(90_000_000L);
    }

    @Test
    void onnxWithoutTokenizerIsAUsageError() {
        CliRun run = CliRun.of("import-onnx", "--onnx", "x.onnx", "--output", dir.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--onnx and --tokenizer go together");
    }

    @Test
    void aMissingOnnxFileIsNamed() throws IOException {
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{}");
        CliRun run = CliRun.of("import-onnx", "--onnx", dir.resolve("missing.onnx").toString(),
                "--tokenizer", tokenizer.toString(), "--output", dir.resolve("out").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("quantcheck import-onnx: ").contains("missing.onnx");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}

package dev.quantcheck.onnx;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file, stream and built-in entry points, and failures that must leave an existing output alone. */
class OnnxBertImporterEntryPointsTest {
    @TempDir
    static Path temp;
    static Path onnxFile;
    static Path tokenizerFile;

    @BeforeAll
    static void extractTheModelFiles() throws IOException {
        onnxFile = Files.write(temp.resolve("model.onnx"), RealMiniLm.files().onnx());
        tokenizerFile = Files.write(temp.resolve("tokenizer.json"), RealMiniLm.files().tokenizerJson());
    }

    private static String[] listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void filesStreamsAndTheBuiltInModelGiveTheSameWeightsAndConfig() throws IOException {
        Path fromFiles = temp.resolve("from-files");
        Path fromStreams = temp.resolve("from-streams");
        Path builtin = temp.resolve("builtin");

        OnnxImportSummary a = OnnxBertImporter.importModel(onnxFile, tokenizerFile, fromFiles);
        OnnxBertImporter.importModel(new ByteArrayInputStream(RealMiniLm.files().onnx()), "model.onnx",
                new ByteArrayInputStream(RealMiniLm.files().tokenizerJson()), "tokenizer.json", fromStreams);
        OnnxImportSummary c = BuiltinMiniLm.importTo(builtin);

        assertThat(a.onnxName()).isEqualTo("model.onnx");
        assertThat(c.onnxName()).isEqualTo(BuiltinMiniLm.ONNX_RESOURCE);
        assertThat(a.onnxSha256()).isEqualTo(c.onnxSha256());
        for (String file : new String[] {"model.safetensors", "config.json", "tokenizer_config.json",
                "1_Pooling/config.json", "modules.json"}) {
            assertThat(Files.mismatch(fromFiles.resolve(file), fromStreams.resolve(file))).as(file).isEqualTo(-1L);
            assertThat(Files.mismatch(fromFiles.resolve(file), builtin.resolve(file))).as(file).isEqualTo(-1L);
        }
        assertThat(listing(fromFiles)).containsExactly("1_Pooling", "2_Normalize", "config.json",
                "import_metadata.json", "model.safetensors", "modules.json", "sentence_bert_config.json",
                "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json");
        assertThat(Files.readString(fromFiles.resolve("import_metadata.json")))
                .contains("\"source_onnx\": \"model.onnx\"").contains("\"source_tokenizer\": \"tokenizer.json\"");
    }

    @Test
    void aFileThatIsNotOnnxIsNamedAndTheOldOutputKept() throws IOException {
        Path target = temp.resolve("kept-1");
        Files.createDirectories(target);
        Files.writeString(target.resolve("marker"), "old");

        assertThatThrownBy(() -> OnnxBertImporter.importModel(tokenizerFile, tokenizerFile, target))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith(tokenizerFile + ": ");
        assertThat(listing(target)).containsExactly("marker");
        assertThat(listing(temp)).noneMatch(n -> n.startsWith(".kept-1"));
    }

    @Test
    void aBrokenTokenizerIsNamedAndTheOldOutputKept() throws IOException {
        Path target = temp.resolve("kept-2");
        Files.createDirectories(target);
        Files.writeString(target.resolve("marker"), "old");
        Path broken = Files.writeString(temp.resolve("broken-tokenizer.json"), "{\"model\": ");

        assertThatThrownBy(() -> OnnxBertImporter.importModel(onnxFile, broken, target))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(broken + ": not valid JSON")
                .hasMessageContaining("pass the model's Hugging Face tokenizer.json");
        assertThat(listing(target)).containsExactly("marker");
    }

    @Test
    void aTokenizerOfAnotherModelIsRefused() throws IOException {
        Path other = Files.writeString(temp.resolve("other-tokenizer.json"),
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 50264}}}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> OnnxBertImporter.importModel(onnxFile, other, temp.resolve("never")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("has token id 50264 but the model's embedding table has only 30522 rows");
        assertThat(temp.resolve("never")).doesNotExist();
    }
}

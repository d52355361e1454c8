package dev.quantcheck.format;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file breaks one of the format's rules. The message names the file, the tensor (when one is
 * involved) and the rule, so that a user can tell a truncated download from a broken writer.
 */
public class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The rules a file is checked against before any tensor data is touched. */
    public enum Rule {
        /** The file is shorter than the 8-byte header length. */
        FILE_TOO_SHORT("the file must start with an 8-byte little-endian header length"),
        /** The declared header length exceeds the cap of 100 MB that the reference implementation uses. */
        HEADER_TOO_LARGE("the header must be at most 100,000,000 bytes"),
        /** The header runs past the end of the file. */
        HEADER_OUTSIDE_FILE("the header must lie inside the file"),
        /** The header bytes are not valid UTF-8. */
        HEADER_NOT_UTF8("the header must be UTF-8"),
        /** The header is not a JSON object of tensor entries. */
        HEADER_NOT_JSON_OBJECT("the header must be a JSON object of tensor entries"),
        /** A key occurs twice. */
        DUPLICATE_KEY("every tensor name must occur once"),
        /** {@code __metadata__} is not a string-to-string map. */
        BAD_METADATA("__metadata__ must map strings to strings"),
        /** An entry lacks dtype, shape or data_offsets, or has them in the wrong type. */
        BAD_ENTRY("each tensor entry needs a dtype string, a shape array and two data_offsets"),
        /** The dtype string is not one of the known ones. */
        UNKNOWN_DTYPE("the dtype must be one of F64, F32, F16, BF16, I64, I32, I16, I8, U32, U16, U8, BOOL, F8_E4M3, F8_E8M0"),
        /** A dimension is negative. */
        NEGATIVE_SHAPE("every dimension must be >= 0"),
        /** {@code end - begin} is not {@code numel * itemsize}, or that product overflows. */
        SIZE_MISMATCH("end - begin must equal numel * itemsize"),
        /** An offset is negative, begin is after end, or the range runs past the end of the file. */
        OFFSETS_OUTSIDE_DATA("data_offsets must lie inside the data section"),
        /** Two tensors share bytes. */
        OVERLAP("no two tensors may share bytes"),
        /** A single tensor too large to view as one buffer (over 2 GiB). */
        TENSOR_TOO_LARGE("a single tensor must be below 2 GiB to be viewed as one buffer");

        private final String requirement;

        Rule(String requirement) {
            this.requirement = requirement;
        }

        /** The rule in words, as it appears in messages. */
        public String requirement() {
            return requirement;
        }
    }

    private final Path file;
    private final String tensor;
    private final Rule rule;

    public SafetensorsFormatException(Path file, String tensor, Rule rule, String detail) {
        super(message(file, tensor, rule, detail));
        this.file = file;
        this.tensor = tensor;
        this.rule = rule;
    }

    private static String message(Path file, String tensor, Rule rule, String detail) {
        StringBuilder sb = new StringBuilder();
        sb.append(file).append(": ");
        if (tensor != null) {
            sb.append("tensor '").append(tensor).append("': ");
        }
        sb.append(detail).append(" (rule: ").append(rule.requirement()).append(")");
        sb.append(". The file is corrupt, truncated or written by a broken writer; re-export or re-download it.");
        return sb.toString();
    }

    /** The file that broke the rule. */
    public Path file() {
        return file;
    }

    /** The tensor involved, or {@code null} when the rule concerns the whole file. */
    public String tensor() {
        return tensor;
    }

    public Rule rule() {
        return rule;
    }
}

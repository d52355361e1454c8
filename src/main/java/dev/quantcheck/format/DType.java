package dev.quantcheck.format;

import java.util.Arrays;
import java.util.Optional;

/**
 * The element types a safetensors file may declare, with their on-disk names and sizes.
 *
 * <p>{@code F8_E4M3} and {@code F8_E8M0} are read as raw bytes, as MLX's loader does: they only occur as
 * the scales of MLX's {@code mxfp}/{@code nvfp} modes, which the quantization package decodes itself.
 */
public enum DType {
    F64("F64", 8),
    F32("F32", 4),
    F16("F16", 2),
    BF16("BF16", 2),
    I64("I64", 8),
    I32("I32", 4),
    I16("I16", 2),
    I8("I8", 1),
    U32("U32", 4),
    U16("U16", 2),
    U8("U8", 1),
    BOOL("BOOL", 1),
    F8_E4M3("F8_E4M3", 1),
    F8_E8M0("F8_E8M0", 1);

    private final String fileName;
    private final int itemSize;

    DType(String fileName, int itemSize) {
        this.fileName = fileName;
        this.itemSize = itemSize;
    }

    /** The dtype string written in safetensors headers, e.g. {@code "BF16"}. */
    public String fileName() {
        return fileName;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** True for the three float types that hold model weights: F32, F16 and BF16. */
    public boolean isWeightFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The dtype whose header name is {@code name}, if there is one. */
    public static Optional<DType> fromFileName(String name) {
        return Arrays.stream(values()).filter(d -> d.fileName.equals(name)).findFirst();
    }

    /**
     * The dtype named by a Hugging Face / MLX config string ({@code float16}, {@code bfloat16}, {@code float32}).
     *
     * @throws IllegalArgumentException naming the accepted spellings
     */
    public static DType fromConfigName(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "float32": case "fp32": case "f32": return F32;
            case "float16": case "fp16": case "f16": case "half": return F16;
            case "bfloat16": case "bf16": return BF16;
            default:
                throw new IllegalArgumentException("unknown weight dtype '" + name
                        + "'; use float16, bfloat16 or float32");
        }
    }

    /** The config spelling of a weight float type: {@code float32}, {@code float16} or {@code bfloat16}. */
    public String configName() {
        switch (this) {
            case F32: return "float32";
            case F16: return "float16";
            case BF16: return "bfloat16";
            default: throw new IllegalStateException(this + " is not a weight float type");
        }
    }
}

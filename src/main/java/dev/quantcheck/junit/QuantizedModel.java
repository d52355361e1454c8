package dev.quantcheck.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a quantized model into a field or parameter of type {@link dev.quantcheck.inference.Encoder} (loaded,
 * ready to embed), {@link ModelUnderTest} (encoder, folder and gates together) or {@link java.nio.file.Path}
 * (the model folder).
 *
 * <p>Exactly one of {@link #path()}, {@link #model()} and {@link #source()} says where it comes from. Conversions
 * and loads are cached for the whole test run, keyed by everything that affects the result, shared by all test
 * classes, and closed when the run ends.
 *
 * <pre>{@code
 * @QuantizedModel(model = "all-minilm-l6-v2", bits = 4) Encoder q4;             // config/models.yaml entry
 * @QuantizedModel(path = "models/mlx/my-model-mlx-q8") Path converted;           // an existing conversion
 * @QuantizedModel(source = "models/hf/my-model", bits = 8, groupSize = 32) Encoder q8; // converted on the fly
 * }</pre>
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface QuantizedModel {
    /** A converted model folder, relative to the working directory. */
    String path() default "";

    /** The name of a {@code config/models.yaml} entry (with {@link #bits()} when it is listed at several). */
    String model() default "";

    /** A float model folder, or {@code builtin:all-minilm-l6-v2}, converted on the fly. */
    String source() default "";

    /** Bits, for {@link #model()} and {@link #source()}; 0 takes the entry's (or 4 for a source). */
    int bits() default 0;

    /** Group size; 0 takes the entry's (or 64 for a source). */
    int groupSize() default 0;

    /** Convert with the deliberate v1 bug ({@code --fake}), to see the detector catch it. */
    boolean fake() default false;

    /**
     * Load the model even when its weights hold NaN or Inf, and embed without refusing non-finite outputs, so that
     * {@code hasNoNaNOrInf()} and the NaN gates can measure a broken model. By default such a model fails to load
     * with an error that names the tensor and the index.
     */
    boolean allowNonFinite() default false;

    /** The models file; default {@code config/models.yaml}. */
    String config() default "";
}

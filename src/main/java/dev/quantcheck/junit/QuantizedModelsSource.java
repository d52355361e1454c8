package dev.quantcheck.junit;

import org.junit.jupiter.params.provider.ArgumentsSource;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@code @ParameterizedTest} once per bit width of a {@code config/models.yaml} entry, with a
 * {@link ModelUnderTest} argument, so that one test method gates q8 and q4 together.
 *
 * <pre>{@code
 * @ParameterizedTest(name = "{0}")
 * @QuantizedModelsSource(model = "all-minilm-l6-v2", bits = {8, 4})
 * void meetsItsGates(ModelUnderTest model) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ArgumentsSource(QuantizedModelsProvider.class)
public @interface QuantizedModelsSource {
    /** The {@code config/models.yaml} entry. */
    String model();

    /** The bit widths to run; each must be listed for the entry. */
    int[] bits();

    /** The models file; default {@code config/models.yaml}. */
    String config() default "";
}

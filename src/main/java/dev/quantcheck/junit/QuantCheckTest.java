package dev.quantcheck.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class whose fields and parameters are injected by quantcheck: {@link QuantizedModel} models and
 * {@link ReferenceEmbeddings}. Equivalent to {@code @ExtendWith(QuantCheckExtension.class)}.
 *
 * <pre>{@code
 * @QuantCheckTest
 * class MiniLmQ8Test {
 *     @QuantizedModel(model = "all-minilm-l6-v2", bits = 8)
 *     Encoder q8;
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(QuantCheckExtension.class)
public @interface QuantCheckTest {
}

package dev.quantcheck.assertions;

import dev.quantcheck.format.ModelDirectory;
import dev.quantcheck.metrics.EmbeddingComparison;
import org.assertj.core.api.AbstractSoftAssertions;
import org.assertj.core.api.SoftAssertionsProvider;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * quantcheck's assertions, collecting failures instead of stopping at the first, as AssertJ's
 * {@code SoftAssertions} do (the assertions run through proxies of {@link ComparisonAssert} and
 * {@link QuantizedModelAssert}, which is why those classes are public and not final):
 *
 * <pre>{@code
 * SoftQuantCheckAssertions.assertSoftly(softly -> {
 *     softly.assertThat(fakeDir).isTrulyQuantized();
 *     softly.assertThat(comparison).hasMeanCosineAtLeast(0.99).hasMseAtMost(1e-3);
 * }); // one AssertionError listing every failure
 * }</pre>
 *
 * <p>Also works with AssertJ's JUnit 5 {@code SoftAssertionsExtension} and {@code @InjectSoftAssertions}.
 */
public class SoftQuantCheckAssertions extends AbstractSoftAssertions {

    /** Soft assertions on how a candidate's embeddings compare with a reference's. */
    public ComparisonAssert assertThat(EmbeddingComparison actual) {
        return proxy(ComparisonAssert.class, EmbeddingComparison.class, actual);
    }

    /** Soft assertions on the model folder {@code modelDir}. */
    public QuantizedModelAssert assertThat(Path modelDir) {
        return proxy(QuantizedModelAssert.class, Path.class, modelDir);
    }

    /** Soft assertions on an open model folder (not closed by the assertions). */
    @SuppressWarnings("unchecked")
    public QuantizedModelAssert assertThat(ModelDirectory model) {
        // the assert's actual is the folder's Path; the proxy is built with the ModelDirectory constructor
        Class<Object> constructorArgument = (Class<Object>) (Class<?>) ModelDirectory.class;
        return proxy(QuantizedModelAssert.class, constructorArgument, model);
    }

    /** Runs {@code softly} and then fails with every failure it collected, if any. */
    public static void assertSoftly(Consumer<SoftQuantCheckAssertions> softly) {
        SoftAssertionsProvider.assertSoftly(SoftQuantCheckAssertions.class, softly);
    }
}

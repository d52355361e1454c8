package dev.quantcheck.assertions.error;

import org.assertj.core.description.Description;
import org.assertj.core.description.TextDescription;
import org.assertj.core.error.DescriptionFormatter;
import org.assertj.core.error.ErrorMessageFactory;
import org.assertj.core.presentation.Representation;
import org.assertj.core.presentation.StandardRepresentation;

/**
 * The base of quantcheck's error messages: one subclass per failure kind, each with a static factory method named
 * after it ({@code shouldHaveMeanCosineAtLeast}), so that a test builds the message it expects with the same
 * factory the assertion uses:
 *
 * <pre>{@code
 * assertThatThrownBy(() -> assertThat(comparison).hasMeanCosineAtLeast(0.99))
 *         .hasMessage(shouldHaveMeanCosineAtLeast(comparison, 0.99).create());
 * }</pre>
 *
 * <p>The message is composed when the factory is made, as plain text: no {@code String.format} of the texts (which
 * may hold {@code %}) and no quoting by AssertJ's representation. A description set with {@code as(...)} comes
 * first, as {@code "[description] "}, as in AssertJ's own messages.
 */
public abstract class QuantCheckErrorMessageFactory implements ErrorMessageFactory {
    private final String message;

    protected QuantCheckErrorMessageFactory(String message) {
        this.message = message;
    }

    @Override
    public String create(Description description, Representation representation) {
        return DescriptionFormatter.instance().format(description) + message;
    }

    @Override
    public String create(Description description) {
        return create(description, StandardRepresentation.STANDARD_REPRESENTATION);
    }

    @Override
    public String create() {
        return create(new TextDescription(""));
    }

    /** The message without a description. */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + message + "]";
    }
}

package dev.quantcheck.assertions.error;

import org.assertj.core.error.ErrorMessageFactory;

import java.nio.file.Path;

/**
 * The model folder cannot be opened:
 * {@code expected /models/x to be a model folder quantcheck can open but it cannot: <the error's message>}
 */
public final class ShouldBeReadableModel extends QuantCheckErrorMessageFactory {

    private ShouldBeReadableModel(String message) {
        super(message);
    }

    public static ErrorMessageFactory shouldBeReadableModel(Path dir, Exception error) {
        return new ShouldBeReadableModel("expected " + dir + " to be a model folder quantcheck can open but it "
                + "cannot: " + error.getMessage());
    }
}

package dev.quantcheck.conversion;

import java.io.IOException;

/** {@code config/models.yaml} is missing, malformed, or does not list what was asked for. */
public class ModelsConfigException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelsConfigException(String message) {
        super(message);
    }

    public ModelsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

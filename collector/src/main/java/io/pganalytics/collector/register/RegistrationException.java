package io.pganalytics.collector.register;

/** The server did not register the collector; the message says why (from the server's error envelope). */
public final class RegistrationException extends Exception {
    public RegistrationException(String message) {
        super(message);
    }

    public RegistrationException(String message, Throwable cause) {
        super(message, cause);
    }
}

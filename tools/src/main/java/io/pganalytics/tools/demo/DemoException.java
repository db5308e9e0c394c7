package io.pganalytics.tools.demo;

/** The demo cannot go on; the message says why and, where it can, what to do. */
final class DemoException extends Exception {
    DemoException(String message) {
        super(message);
    }

    DemoException(String message, Throwable cause) {
        super(message, cause);
    }
}

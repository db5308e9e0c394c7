package io.pganalytics.server.auth.saml;

/**
 * A SAML message or metadata document that failed a check: its message says which check, in words fit for the person
 * signing in and for the log, and never quotes the message's contents beyond ids and names.
 */
final class SamlException extends RuntimeException {
    SamlException(String message) {
        super(message, null, false, false);
    }
}

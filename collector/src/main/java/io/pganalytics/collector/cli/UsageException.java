package io.pganalytics.collector.cli;

/** The command line is wrong: the message says how; the process exits with status 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}

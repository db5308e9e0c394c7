package io.pganalytics.server.backup;

/** A backup, verification or restore that failed; its message is for a person and names what is at fault. */
public class BackupException extends RuntimeException {
    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}

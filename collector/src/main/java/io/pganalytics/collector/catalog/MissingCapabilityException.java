package io.pganalytics.collector.catalog;

import java.sql.SQLException;

/** A family was asked to collect on a target that cannot give it (reported by availability, not an outage). */
public final class MissingCapabilityException extends SQLException {
    private static final long serialVersionUID = 1L;

    public MissingCapabilityException(String message) {
        super(message, "0A000");
    }
}

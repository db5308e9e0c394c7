package io.pganalytics.server.crypto;

import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Who changes keys through the API, and where the change is recorded: each change appends its record on its own
 * connection, last before its commit, so that the key change and its record commit (or roll back) together.
 */
record KeyAudit(AuditLog log, AuditEvent.Actor actor) {
    void append(Connection c, AuditEvent event) throws SQLException {
        log.append(c, event.actor(actor));
    }

    /** The name kept with what the change made (a data key's or a run's {@code created_by}). */
    String by() {
        return actor.name() != null ? actor.name() : actor.id();
    }
}

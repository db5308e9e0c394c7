package io.pganalytics.server.audit.forwarding;

import io.pganalytics.server.audit.StoredRecord;

import java.io.IOException;
import java.util.List;

/** Delivers batches of records to one destination. */
interface Sender extends AutoCloseable {
    /**
     * Sends the records in seq order; returns only once the destination took all of them (for syslog over TCP: once
     * they were written and flushed to the connection). Throws when any was refused; the caller resends the batch.
     */
    void send(List<StoredRecord> records) throws IOException;

    /** Releases connections; the sender may be used again afterwards (it reconnects). */
    @Override
    void close();
}

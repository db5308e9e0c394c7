package io.pganalytics.server.backup;

import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The backup figures on {@code /metrics}: when the newest backup completed and how old it is, failed runs, and WAL
 * segments waiting to be archived. The database and the engine are read at most every {@link #REFRESH}, so that a
 * scrape stays cheap; a backup that ends refreshes them at once.
 */
public final class BackupFigures {
    static final Duration REFRESH = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(BackupFigures.class);

    private final Clock clock;
    private final MetricsRegistry.Counter failures;
    private volatile Supplier<Optional<Instant>> lastSuccessSource = Optional::empty;
    private volatile LongSupplier pendingSource = () -> 0;
    private volatile Instant readAt = Instant.MIN;
    private volatile double lastSuccess;
    private volatile double pending;

    public BackupFigures(MetricsRegistry metrics, Clock clock) {
        this.clock = clock;
        this.failures = metrics.counter("pganalytics_backup_failures_total",
                "Backup runs that failed on this node, by run kind (backup, verify, restore, expire)", "operation");
        metrics.gauge("pganalytics_backup_last_success_timestamp_seconds",
                "When the newest complete backup became consistent (Unix seconds); 0 when there is none", () -> {
                    refresh(false);
                    return lastSuccess;
                });
        metrics.gauge("pganalytics_backup_last_success_age_seconds",
                "Seconds since the newest complete backup became consistent; since the Unix epoch when there is none", () -> {
                    refresh(false);
                    return Math.max(0, clock.millis() / 1000.0 - lastSuccess);
                });
        metrics.gauge("pganalytics_wal_archive_pending_segments",
                "WAL segments the database wrote that are not yet in the backup repository", () -> {
                    refresh(false);
                    return pending;
                });
    }

    /** Where the figures come from (the service, once built). */
    void bind(Supplier<Optional<Instant>> lastSuccess, LongSupplier pending) {
        this.lastSuccessSource = lastSuccess;
        this.pendingSource = pending;
        this.readAt = Instant.MIN;
    }

    void backupSucceeded() {
        refresh(true);
    }

    void failed(String operation) {
        failures.inc(operation);
    }

    private void refresh(boolean now) {
        Instant at = clock.instant();
        if (!now && at.isBefore(readAt.plus(REFRESH))) {
            return;
        }
        readAt = at;
        try {
            lastSuccess = lastSuccessSource.get().map(t -> t.toEpochMilli() / 1000.0).orElse(0.0);
            pending = pendingSource.getAsLong();
        } catch (RuntimeException e) {
            LOG.warn("backup figures not read: {}", e.getMessage());
        }
    }
}

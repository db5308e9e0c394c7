package io.pganalytics.console.audit;

import io.pganalytics.common.audit.AuditPage;
import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.console.api.AuditQuery;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.common.Background;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/** Reads, verifies and exports the audit trail off the FX thread. */
public final class AuditService {
    private final ConsoleApi api;
    private final Background background;

    public AuditService(ConsoleApi api, Background background) {
        this.api = api;
        this.background = background;
    }

    /** A page: the newest ({@code beforeSeq} and {@code afterSeq} null), older than {@code beforeSeq}, or newer than {@code afterSeq}. */
    public void page(AuditQuery query, Long beforeSeq, Long afterSeq, int limit, Consumer<AuditPage> onPage, Consumer<Throwable> onFailure) {
        background.run(() -> api.audit().search(query, beforeSeq, afterSeq, limit), onPage, onFailure);
    }

    public void verify(Consumer<AuditVerification> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.audit().verify(), onResult, onFailure);
    }

    /** Streams the records from {@code from} to {@code to} (null: unbounded) into {@code file}; the bytes written. */
    public void export(Instant from, Instant to, String format, Path file, Consumer<Long> onDone, Consumer<Throwable> onFailure) {
        background.run(() -> api.audit().export(from, to, format, file), onDone, onFailure);
    }

    public ScheduledFuture<?> every(Duration period, Runnable action) {
        return background.every(period, action);
    }
}

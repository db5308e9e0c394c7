package io.pganalytics.server.backup;

import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.RestoreRequest;
import io.pganalytics.common.backup.VerificationView;
import io.pganalytics.server.backup.verify.BackupVerification;
import io.pganalytics.server.files.OwnerOnly;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Backups, verifications, restores and expiries, run the same way whatever the engine: each starts as a run in
 * {@link BackupOperations} (one of each kind at a time, cluster-wide) and runs on this node's bounded executor of its
 * kind, reporting progress and beating its heartbeat until it ends. After a backup, the expiry runs with the retention
 * in force, and the verification when {@code backup.verify.after-backup} is on.
 */
public final class BackupService implements AutoCloseable {
    static final String SCHEDULE = "schedule";
    static final Set<String> KINDS = Set.of("full", "differential", "incremental");
    private static final int MAX_TARGET = 1000;
    private static final long CLOSE_WAIT_SECONDS = 15;
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ID_MILLIS = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);

    private final BackupConfig config;
    private final BackupCatalog catalog;
    private final BackupOperations operations;
    private final BackupSettingsStore settings;
    private final Path dataDir;
    private final Clock clock;
    private final String unavailable;
    private final BackupFigures figures;
    private final ExecutorService backups = executor(BackupOperations.BACKUP);
    private final ExecutorService verifications = executor(BackupOperations.VERIFY);
    private final ExecutorService restores = executor(BackupOperations.RESTORE);
    private final ExecutorService expiries = executor(BackupOperations.EXPIRE);
    private final ScheduledExecutorService heartbeats;
    /** This node's runs in progress: their heartbeats are beaten here. */
    private final Set<UUID> mine = ConcurrentHashMap.newKeySet();
    private volatile BackupEngine engine;
    private volatile boolean closing;

    /**
     * @param engine      the engine; null when this node cannot back up
     * @param unavailable why there is no engine, for a person (status and refusals); null when there is one
     */
    public BackupService(BackupConfig config, BackupCatalog catalog, BackupOperations operations, BackupSettingsStore settings,
                         BackupEngine engine, String unavailable, Path dataDir, Clock clock, BackupFigures figures) {
        this.config = config;
        this.catalog = catalog;
        this.operations = operations;
        this.settings = settings;
        this.engine = engine;
        this.unavailable = unavailable;
        this.dataDir = dataDir;
        this.clock = clock;
        this.figures = figures;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-backup-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1000, config.operationStale().toMillis() / 4);
        heartbeats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** The engine; empty when this node cannot back up ({@link #unavailable()} says why). */
    public Optional<BackupEngine> engine() {
        return Optional.ofNullable(engine);
    }

    /** Replaces the engine (tests drive the service with an engine of their own). */
    void engine(BackupEngine replacement) {
        this.engine = replacement;
    }

    /** Why this node cannot back up; empty when it can. */
    public Optional<String> unavailable() {
        return engine == null ? Optional.of(unavailable == null ? "no backup engine" : unavailable) : Optional.empty();
    }

    public BackupCatalog catalog() {
        return catalog;
    }

    public BackupOperations operations() {
        return operations;
    }

    public BackupSettingsStore settings() {
        return settings;
    }

    public BackupConfig config() {
        return config;
    }

    // ---- back up -------------------------------------------------------------------------------------------------

    /**
     * Back up now: starts a backup of {@code kind} (null: full) unless one runs already, cluster-wide; then that one is
     * returned with {@code started = false}.
     *
     * @throws ApiException 400 for a kind this engine cannot take, 409 when this node cannot back up
     */
    public OperationStarted startBackup(String kind, String requestedBy) {
        String backupKind = kind == null ? "full" : kind.strip();
        BackupEngine current = requireEngine();
        if (!KINDS.contains(backupKind)) {
            throw ApiException.invalid("kind", "'" + RequestParameters.abbreviate(backupKind) + "' is not a backup kind: full, differential or incremental");
        }
        if (!backupKind.equals("full") && !"pgbackrest".equals(current.name())) {
            throw ApiException.invalid("kind", "the " + current.name() + " engine takes full backups only (WAL is archived continuously "
                    + "between them): " + backupKind + " backups need pgBackRest");
        }
        OperationStarted started = operations.start(BackupOperations.BACKUP, null, requestedBy, "starting a " + backupKind + " backup",
                "{\"backupKind\":\"" + backupKind + "\"}");
        if (started.started()) {
            submit(backups, started.operation(), () -> runBackup(current, started.operation().id(), backupKind, requestedBy));
        }
        return started;
    }

    private void runBackup(BackupEngine current, UUID operation, String kind, String requestedBy) {
        String id = newBackupId();
        operations.backupId(operation, id);
        String done = current.backup(kind, id, requestedBy, operations.progress(operation));
        operations.succeeded(operation, done);
        figures.backupSucceeded();
        LOG.info("backup {} ({} {}) complete", done, current.name(), kind);
        afterBackup(done);
    }

    /** What follows each backup: expiry with the retention in force, then its verification when asked. */
    private void afterBackup(String backupId) {
        if (closing) {
            return;
        }
        startExpire(SCHEDULE);
        if (config.verify().afterBackup()) {
            startVerify(Optional.of(backupId), SCHEDULE);
        }
    }

    private String newBackupId() {
        Instant now = clock.instant();
        String id = ID.format(now);
        return catalog.find(id).isPresent() ? ID_MILLIS.format(now) : id;
    }

    // ---- expire --------------------------------------------------------------------------------------------------

    /** Expires backups beyond the retention in force, and the WAL no retained backup needs. */
    public OperationStarted startExpire(String requestedBy) {
        BackupEngine current = requireEngine();
        OperationStarted started = operations.start(BackupOperations.EXPIRE, null, requestedBy, "expiring backups beyond the retention", null);
        if (started.started()) {
            submit(expiries, started.operation(), () -> {
                BackupConfig.Schedule schedule = settings.effective();
                List<String> expired = current.expire(schedule.retainFull(), clock.instant().minus(schedule.retainFor()));
                operations.succeeded(started.operation().id(), null);
                if (!expired.isEmpty()) {
                    LOG.info("backups expired (retain-full {}, retain-for {}): {}", schedule.retainFull(), schedule.retainFor(), expired);
                }
            });
        }
        return started;
    }

    // ---- verify --------------------------------------------------------------------------------------------------

    /**
     * Verifies one complete backup ({@code backupId}) or, when empty, the chain: the newest backup plus the WAL to now.
     *
     * @throws ApiException 404 for an unknown backup, 409 for one that is not complete or when this node cannot back up
     */
    public OperationStarted startVerify(Optional<String> backupId, String requestedBy) {
        BackupEngine current = requireEngine();
        Optional<BackupView> backup = backupId.map(id -> catalog.find(id)
                .orElseThrow(() -> ApiException.notFound("no backup " + RequestParameters.abbreviate(id))));
        backup.filter(b -> !BackupView.COMPLETE.equals(b.state())).ifPresent(b -> {
            throw ApiException.conflict("backup " + b.id() + " is " + b.state() + ": only a complete backup can be verified");
        });
        String detail = backup.isPresent() ? "{\"chain\":\"false\"}" : "{\"chain\":\"true\"}";
        OperationStarted started = operations.start(BackupOperations.VERIFY, backupId.orElse(null), requestedBy,
                backup.isPresent() ? "verifying backup " + backup.get().id() : "verifying the chain (newest backup and WAL to now)", detail);
        if (started.started()) {
            submit(verifications, started.operation(), () -> runVerification(current, started.operation().id(), backup));
        }
        return started;
    }

    /**
     * Restores {@code backup} (empty: the chain, the newest backup and every archived segment after it) into a scratch
     * copy, starts and checks it ({@link BackupVerification}: recovery, metadata tables, newest samples, row counts,
     * amcheck), records the result on the backup and deletes the copy.
     */
    private void runVerification(BackupEngine current, UUID operation, Optional<BackupView> backup) {
        Progress progress = operations.progress(operation);
        BackupVerification verification = new BackupVerification(current, catalog, scratchRoot(), config.verify().timeout(), clock);
        VerificationView view;
        try {
            view = backup.isPresent() ? verification.verify(backup.get().id(), progress) : verification.verifyChain(progress);
        } catch (IllegalArgumentException e) {
            figures.failed(BackupOperations.VERIFY);
            operations.failed(operation, e.getMessage());
            return;
        }
        String backupId = backup.map(BackupView::id).orElse(null);
        if (backupId != null) {
            operations.backupId(operation, backupId);
        }
        if (VerificationView.PASSED.equals(view.state())) {
            operations.succeeded(operation, backupId);
        } else {
            figures.failed(BackupOperations.VERIFY);
            operations.failed(operation, view.checks().stream().filter(c -> !c.passed()).map(c -> c.name() + ": " + c.detail())
                    .findFirst().orElse("verification failed"));
        }
    }

    private Path scratchRoot() {
        Path root = config.verify().scratchDir().orElse(dataDir.resolve("backup-scratch"));
        try {
            return OwnerOnly.directory(root);
        } catch (IOException e) {
            throw new UncheckedIOException("backup scratch directory " + root + " cannot be made: " + e.getMessage(), e);
        }
    }

    // ---- restore -------------------------------------------------------------------------------------------------

    /**
     * Plans a restore (the dry run, and the first step of a real one).
     *
     * @throws ApiException           400 for a bad time or target; 409 when this node cannot back up
     * @throws OutsideWindowsException when the time is in no recovery window (422)
     */
    public RestorePlan plan(RestoreRequest request) {
        BackupEngine current = requireEngine();
        if (request == null) {
            throw ApiException.malformed("a body is required: {\"to\": \"latest\", \"target\": \"/path/to/new/dir\", \"dryRun\": true}");
        }
        Optional<Instant> to = time(request.to());
        Path target = target(request.target());
        try {
            return current.plan(to, target);
        } catch (OutsideWindowsException e) {
            throw e;
        } catch (BackupException e) {
            throw ApiException.invalid("target", e.getMessage());
        }
    }

    /** Restores as planned, into the plan's target, as a run of its own. */
    public OperationStarted startRestore(RestorePlan plan, String requestedBy) {
        BackupEngine current = requireEngine();
        OperationStarted started = operations.start(BackupOperations.RESTORE, plan.backupId(), requestedBy,
                "restoring to " + (plan.latest() ? "the latest point" : plan.to()) + " into " + plan.target(), null);
        if (started.started()) {
            submit(restores, started.operation(), () -> {
                current.restore(plan, operations.progress(started.operation().id()));
                operations.succeeded(started.operation().id(), plan.backupId());
                LOG.info("restore of backup {} to {} into {} complete", plan.backupId(), plan.to(), plan.target());
            });
        }
        return started;
    }

    private static Optional<Instant> time(String to) {
        if (to == null || to.isBlank() || to.strip().equalsIgnoreCase(RestoreRequest.LATEST)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(to.strip()));
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("to", "'" + RequestParameters.abbreviate(to) + "' is neither 'latest' nor an ISO-8601 instant "
                    + "(2026-12-07T08:30:00Z)");
        }
    }

    /** The target as an absolute, normal path that is neither the live database nor the server's own directories. */
    private Path target(String target) {
        if (target == null || target.isBlank()) {
            throw ApiException.invalid("target", "a directory is required: one that does not exist or is empty");
        }
        if (target.length() > MAX_TARGET || RequestParameters.hasControlCharacter(target)) {
            throw ApiException.invalid("target", "a path of at most " + MAX_TARGET + " printable characters is required");
        }
        Path path;
        try {
            path = Path.of(target);
        } catch (InvalidPathException e) {
            throw ApiException.invalid("target", "not a path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            throw ApiException.invalid("target", "an absolute path is required (the server's working directory is not yours)");
        }
        Path normal = path.normalize();
        Path data = dataDir.toAbsolutePath().normalize();
        if (data.startsWith(normal) || normal.startsWith(data.resolve("postgres")) || normal.equals(data)
                || normal.startsWith(config.repositoryIn(dataDir).toAbsolutePath().normalize())
                || config.pgbackrest().repoPath().map(repo -> normal.startsWith(repo.toAbsolutePath().normalize())).orElse(false)) {
            throw ApiException.invalid("target", "restore into a new place, never over the live database, the data directory or the "
                    + "repository: " + normal + " is " + (data.startsWith(normal) ? "the data directory or holds it" : "inside " + data));
        }
        return normal;
    }

    // ---- reads ---------------------------------------------------------------------------------------------------

    /** The recovery windows, oldest first; none when this node cannot back up. */
    public List<RecoveryWindow> windows() {
        BackupEngine current = engine;
        try {
            return current == null ? List.of() : current.windows();
        } catch (BackupException e) {
            throw ApiException.conflict("the recovery windows cannot be computed: " + e.getMessage());
        }
    }

    /** The newest complete backup; empty when there is none. */
    public Optional<BackupView> lastComplete() {
        return catalog.complete().stream().max(Comparator.comparing(BackupView::consistentAt, Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    // ---- runs ----------------------------------------------------------------------------------------------------

    private BackupEngine requireEngine() {
        BackupEngine current = engine;
        if (current == null) {
            throw ApiException.conflict("this server cannot back up: " + unavailable().orElseThrow());
        }
        return current;
    }

    /** What a run does; any failure ends it as failed (the run's thread root). */
    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    private void submit(ExecutorService executor, OperationView operation, Body body) {
        UUID id = operation.id();
        mine.add(id);
        try {
            executor.execute(() -> run(operation, body));
        } catch (RejectedExecutionException e) {
            mine.remove(id);
            operations.failed(id, closing ? "the server is stopping" : "this node's " + operation.kind() + " queue is full");
        }
    }

    private void run(OperationView operation, Body body) {
        UUID id = operation.id();
        try {
            body.run();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof BackupException || e instanceof IllegalArgumentException) {
                LOG.warn("backup {} run {} failed: {}", operation.kind(), id, message);
            } else {
                LOG.error("backup {} run {} failed: {}", operation.kind(), id, message, e);
            }
            figures.failed(operation.kind());
            try {
                operations.failed(id, message);
            } catch (RuntimeException recording) {
                LOG.error("backup {} run {}: its failure could not be recorded (a node marks it failed once it stops beating): {}",
                        operation.kind(), id, recording.getMessage());
            }
        } finally {
            mine.remove(id);
        }
    }

    private void beat() {
        for (UUID id : mine) {
            try {
                operations.heartbeat(id);
            } catch (RuntimeException e) {
                LOG.warn("backup run {}: heartbeat not recorded: {}", id, e.getMessage());
            }
        }
    }

    private static ExecutorService executor(String kind) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(2), runnable -> {
            Thread thread = new Thread(runnable, "pga-backup-" + kind);
            thread.setDaemon(true);
            return thread;
        });
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("backup scratch copy {} not deleted: {}", root, e.getMessage());
        }
    }

    /** Stops taking runs; runs in progress are left to end (bounded wait) or to be failed as stale by another node. */
    @Override
    public void close() {
        closing = true;
        for (ExecutorService executor : List.of(backups, verifications, restores, expiries)) {
            executor.shutdown();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        for (ExecutorService executor : List.of(backups, verifications, restores, expiries)) {
            try {
                if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("backups: a run still goes on after {} s; interrupting it", CLOSE_WAIT_SECONDS);
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        heartbeats.shutdownNow();
        for (UUID id : mine) {
            try {
                operations.failed(id, "the server stopped while it ran");
            } catch (RuntimeException e) {
                LOG.warn("backup run {}: not marked failed at shutdown (another node will, once it is stale): {}", id, e.getMessage());
            }
        }
    }
}

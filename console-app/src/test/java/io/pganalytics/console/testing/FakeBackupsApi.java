package io.pganalytics.console.testing;

import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.backup.BackupSettings;
import io.pganalytics.common.backup.BackupStatus;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.RestoreRequest;
import io.pganalytics.common.backup.StartBackupRequest;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.BackupsApi;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The backup calls of {@link FakeConsoleApi}: answers what a test gives it. The changes (settings, a restore) pass
 * the fake's confirmation and second-factor rules first ({@code guard}); a plan for a time outside every window is
 * refused as the server refuses it (422, naming the nearest valid times).
 */
public final class FakeBackupsApi implements BackupsApi {
    public final List<String> calls = new ArrayList<>();
    public List<BackupView> backups = new ArrayList<>();
    public List<RecoveryWindow> windows = new ArrayList<>();
    public BackupSettings settings = new BackupSettings("1d", "01:00", "off", "7d", 7, "30d");
    public List<OperationView> running = new ArrayList<>();
    public String health = BackupStatus.OK;
    public List<String> problems = new ArrayList<>();
    /** The states {@link #operation} answers for a run, in turn, staying at the last. */
    public final Map<UUID, Deque<OperationView>> progress = new HashMap<>();
    /** When set, {@link #start} answers that this run was already in progress. */
    public OperationView alreadyRunning;
    private final Runnable guard;

    FakeBackupsApi(Runnable guard) {
        this.guard = guard;
    }

    /** A run in progress, then the states given, for {@link #operation}. */
    public static OperationView run(String kind, String state, String backupId, long done, Long total) {
        return new OperationView(UUID.randomUUID(), kind, state, backupId, "copying files", done, total, Instant.parse("2026-12-07T08:00:00Z"),
                OperationView.RUNNING.equals(state) ? null : Instant.parse("2026-12-07T08:05:00Z"), null, "node-1", "1");
    }

    public static OperationView next(OperationView run, String state, long done) {
        return new OperationView(run.id(), run.kind(), state, run.backupId(), state.equals(OperationView.RUNNING) ? "copying files" : "done",
                done, run.totalBytes(), run.startedAt(), state.equals(OperationView.RUNNING) ? null : Instant.parse("2026-12-07T08:05:00Z"),
                null, run.node(), run.requestedBy());
    }

    @Override
    public List<BackupView> list(int limit) {
        calls.add("list");
        return backups.stream().limit(limit).toList();
    }

    @Override
    public OperationStarted start(StartBackupRequest request) {
        calls.add("start " + request.kind());
        if (alreadyRunning != null) {
            return new OperationStarted(alreadyRunning, false);
        }
        OperationView run = run("backup", OperationView.RUNNING, null, 0, 1000L);
        progress.computeIfAbsent(run.id(), id -> new ArrayDeque<>());
        return new OperationStarted(run, true);
    }

    @Override
    public OperationStarted verify(String backupId) {
        calls.add("verify " + backupId);
        OperationView run = run("verify", OperationView.RUNNING, backupId, 0, null);
        progress.computeIfAbsent(run.id(), id -> new ArrayDeque<>());
        return new OperationStarted(run, true);
    }

    @Override
    public OperationView operation(UUID id) {
        calls.add("operation " + id);
        Deque<OperationView> states = progress.get(id);
        if (states == null || states.isEmpty()) {
            throw ApiException.rejected(ApiError.of(ErrorType.NOT_FOUND, "no run " + id));
        }
        return states.size() > 1 ? states.removeFirst() : states.getFirst();
    }

    @Override
    public BackupStatus status() {
        calls.add("status");
        return new BackupStatus("embedded", health, problems, backups.stream().filter(b -> BackupView.COMPLETE.equals(b.state())).findFirst()
                .orElse(null), Instant.parse("2026-12-08T01:00:00Z"), null, List.of(), windows, running, settings);
    }

    @Override
    public List<RecoveryWindow> windows() {
        calls.add("windows");
        return windows;
    }

    @Override
    public BackupSettings settings() {
        calls.add("settings");
        return settings;
    }

    @Override
    public BackupSettings updateSettings(BackupSettings changed) {
        calls.add("updateSettings " + changed);
        guard.run();
        settings = new BackupSettings(Objects.requireNonNullElse(changed.fullEvery(), settings.fullEvery()),
                Objects.requireNonNullElse(changed.fullAt(), settings.fullAt()),
                Objects.requireNonNullElse(changed.differentialEvery(), settings.differentialEvery()),
                Objects.requireNonNullElse(changed.chainVerifyEvery(), settings.chainVerifyEvery()),
                Objects.requireNonNullElse(changed.retainFull(), settings.retainFull()),
                Objects.requireNonNullElse(changed.retainFor(), settings.retainFor()));
        return settings;
    }

    @Override
    public RestorePlan plan(RestoreRequest request) {
        calls.add("plan " + request.to() + " " + request.target());
        RecoveryWindow window = window(request.to());
        Instant to = RestoreRequest.LATEST.equals(request.to()) ? window.to() : Instant.parse(request.to());
        return new RestorePlan(to, RestoreRequest.LATEST.equals(request.to()), window.backupId(), window.from(), "000000010000000000000003",
                "000000010000000000000009", 48L * 1024 * 1024, request.target(),
                List.of("read backup " + window.backupId(), "replay WAL to " + to, "promote"), List.of("the second region is 2 min behind"));
    }

    @Override
    public OperationStarted restore(RestoreRequest request) {
        calls.add("restore " + request.to() + " " + request.target());
        guard.run();
        window(request.to());
        OperationView run = run("restore", OperationView.RUNNING, null, 0, 5000L);
        progress.computeIfAbsent(run.id(), id -> new ArrayDeque<>());
        return new OperationStarted(run, true);
    }

    private RecoveryWindow window(String to) {
        if (windows.isEmpty()) {
            throw ApiException.rejected(new ApiError(422, ErrorType.VALIDATION_FAILED, "there is no recovery window: no complete backup", List.of()));
        }
        if (RestoreRequest.LATEST.equals(to)) {
            return windows.getLast();
        }
        Instant at = Instant.parse(to);
        return windows.stream().filter(w -> w.contains(at)).findFirst().orElseThrow(() -> ApiException.rejected(new ApiError(422,
                ErrorType.VALIDATION_FAILED, to + " is outside every recovery window; the nearest valid times are "
                + windows.getFirst().from() + " and " + windows.getLast().to(), List.of())));
    }

}

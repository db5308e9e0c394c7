package io.pganalytics.server.backup;

import io.pganalytics.common.backup.BackupSettings;
import io.pganalytics.common.backup.BackupStatus;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.common.backup.VerificationView;
import io.pganalytics.common.backup.WalArchivingStatus;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.db.EmbeddedDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /backups/status}: the state of backups with its health and the problems behind it. {@code failing}: the
 * recovery point is not held (no engine, a backup missed or failed, a failed verification, WAL archiving off or
 * failing, the primary repository unreachable or too full for the next backup). {@code warning}: it works but needs
 * attention (no complete backup yet, backups disabled by choice, WAL piling up, the second region behind or unreachable,
 * the repository on the database's own filesystem).
 */
final class BackupHealth {
    /** Segments waiting beyond this are a warning: each one is data a restore to the latest point would lose. */
    static final long PENDING_WARN = 4;
    static final long LOW_FREE_BYTES = 1L << 30;
    static final Duration MAX_GRACE = Duration.ofHours(1);
    static final Duration MIN_LAG_BOUND = Duration.ofMinutes(15);

    private final BackupService service;
    private final Optional<EmbeddedDatabase> embedded;
    private final Path dataDir;
    private final Clock clock;

    BackupHealth(BackupService service, Optional<EmbeddedDatabase> embedded, Path dataDir, Clock clock) {
        this.service = service;
        this.embedded = embedded;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    BackupStatus status(Supplier<Instant> nextFullAt) {
        BackupConfig config = service.config();
        BackupConfig.Schedule schedule = service.settings().effective();
        BackupSettings settings = BackupSettingsStore.view(schedule);
        List<String> failing = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<OperationView> running = service.operations().running();
        Optional<BackupEngine> engine = service.engine();
        if (engine.isEmpty()) {
            (config.enabled() ? failing : warnings).add(service.unavailable().orElseThrow());
            return status(config.enabled() ? BackupEngines.choose(config, embedded.isPresent()).name().toLowerCase(java.util.Locale.ROOT) : "none",
                    failing, warnings, service.lastComplete().orElse(null), null, disabledArchiving(config), List.of(), List.of(), running, settings);
        }
        Instant now = clock.instant();
        Optional<BackupView> last = service.lastComplete();
        boolean backupRunning = running.stream().anyMatch(op -> BackupOperations.BACKUP.equals(op.kind()));
        Instant next = nextFullAt.get();
        if (last.isEmpty()) {
            warnings.add(backupRunning ? "no complete backup yet: the first one is running"
                    : "no complete backup yet: the first full backup is due at " + next);
        } else {
            Duration grace = min(MAX_GRACE, schedule.fullEvery().dividedBy(2));
            if (!backupRunning && now.isAfter(next.plus(grace))) {
                failing.add("missed: a full backup was due at " + next + " (full-every " + settings.fullEvery() + " at " + settings.fullAt()
                        + " UTC) and none ran; the newest complete backup is " + last.get().id() + " of " + last.get().consistentAt());
            }
            VerificationView verification = last.get().verification();
            if (verification != null && VerificationView.FAILED.equals(verification.state())) {
                failing.add("backup " + last.get().id() + " failed its verification at " + verification.verifiedAt() + ": "
                        + verification.checks().stream().filter(c -> !c.passed()).map(c -> c.name() + ": " + c.detail()).findFirst().orElse("see its checks"));
            }
        }
        service.operations().lastFinished(BackupOperations.BACKUP).filter(op -> OperationView.FAILED.equals(op.state()))
                .filter(op -> last.isEmpty() || last.get().consistentAt() == null || op.startedAt().isAfter(last.get().consistentAt()))
                .ifPresent(op -> failing.add("the last backup failed at " + op.finishedAt() + ": " + op.error()));
        WalArchivingStatus archiving = archiving(engine.get(), config, failing);
        List<RepositoryStatus> repositories = repositories(engine.get(), config, last, failing, warnings);
        List<RecoveryWindow> windows = windows(engine.get(), failing);
        return status(engine.get().name(), failing, warnings, last.orElse(null), next, archiving, repositories, windows, running, settings);
    }

    private static BackupStatus status(String engine, List<String> failing, List<String> warnings, BackupView last, Instant next,
                                       WalArchivingStatus archiving, List<RepositoryStatus> repositories, List<RecoveryWindow> windows,
                                       List<OperationView> running, BackupSettings settings) {
        List<String> problems = new ArrayList<>(failing);
        problems.addAll(warnings);
        String health = !failing.isEmpty() ? BackupStatus.FAILING : !warnings.isEmpty() ? BackupStatus.WARNING : BackupStatus.OK;
        return new BackupStatus(engine, health, problems, last, next, archiving, repositories, windows, running, settings);
    }

    private static WalArchivingStatus disabledArchiving(BackupConfig config) {
        return new WalArchivingStatus(false, null, null, 0, false, null, Durations.format(config.archiveTimeout()));
    }

    private static WalArchivingStatus archiving(BackupEngine engine, BackupConfig config, List<String> failing) {
        WalArchivingStatus archiving;
        try {
            archiving = engine.archiving();
        } catch (RuntimeException e) {
            failing.add("WAL archiving's state cannot be read: " + e.getMessage());
            return disabledArchiving(config);
        }
        if (!archiving.enabled()) {
            failing.add("WAL archiving is off: the database can be restored only to the end of a backup, not to a point in time");
        } else if (archiving.failing()) {
            failing.add("WAL archiving fails: " + (archiving.lastError() == null ? "the last attempt failed" : archiving.lastError()));
        }
        return archiving;
    }

    private List<RepositoryStatus> repositories(BackupEngine engine, BackupConfig config, Optional<BackupView> last, List<String> failing,
                                                List<String> warnings) {
        List<RepositoryStatus> repositories;
        try {
            repositories = engine.repositories();
        } catch (RuntimeException e) {
            failing.add("the repository's state cannot be read: " + e.getMessage());
            return List.of();
        }
        long lastStored = last.map(BackupView::storedBytes).orElse(0L) == null ? 0 : last.map(BackupView::storedBytes).orElse(0L);
        Duration lagBound = max(MIN_LAG_BOUND, config.secondRegion().map(r -> r.copyInterval().multipliedBy(10)).orElse(Duration.ZERO));
        for (RepositoryStatus repository : repositories) {
            boolean primary = RepositoryStatus.PRIMARY.equals(repository.role());
            String name = (primary ? "the repository" : "the second region") + " at " + repository.location();
            if (!repository.reachable()) {
                (primary ? failing : warnings).add(name + " is not reachable: " + repository.error());
                continue;
            }
            if (repository.freeBytes() != null) {
                if (lastStored > 0 && repository.freeBytes() < lastStored + lastStored / 4) {
                    (primary ? failing : warnings).add(name + " is nearly full: " + repository.freeBytes() + " bytes free, the newest backup took "
                            + lastStored + ": the next one will not fit");
                } else if (repository.freeBytes() < LOW_FREE_BYTES) {
                    warnings.add(name + " is nearly full: " + repository.freeBytes() + " bytes free");
                }
            }
            if (!primary && repository.lagSeconds() != null && repository.lagSeconds() > lagBound.toSeconds()) {
                warnings.add("the second region is " + Durations.format(Duration.ofSeconds(repository.lagSeconds())) + " behind (more than "
                        + Durations.format(lagBound) + ")");
            }
            if (repository.warning() != null) {
                warnings.add(name + ": " + repository.warning());
            }
        }
        sameFilesystem(config).ifPresent(warnings::add);
        return repositories;
    }

    /** The embedded engine's repository on the database's own filesystem: a lost disk loses both. */
    private Optional<String> sameFilesystem(BackupConfig config) {
        if (embedded.isEmpty()) {
            return Optional.empty();
        }
        Path repository = config.repositoryIn(dataDir);
        try {
            if (Files.exists(repository) && Files.getFileStore(repository).equals(Files.getFileStore(embedded.get().pgData()))) {
                return Optional.of("the repository " + repository + " is on the database's own filesystem: a lost disk loses both; set "
                        + "backup.repository to another disk" + (config.secondRegion().isEmpty() ? " or configure a second region" : ""));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static List<RecoveryWindow> windows(BackupEngine engine, List<String> failing) {
        try {
            return engine.windows();
        } catch (RuntimeException e) {
            failing.add("the recovery windows cannot be read: " + e.getMessage());
            return List.of();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}

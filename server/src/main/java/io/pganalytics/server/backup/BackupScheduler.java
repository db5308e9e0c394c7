package io.pganalytics.server.backup;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.server.cluster.JobLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The backup schedule. Every node ticks; a tick goes ahead only on the node that takes the schedule's lease, so one
 * node at a time decides, and the runs' unique index keeps a second node from starting the same run anyway. A tick
 * fails runs whose node stopped, then starts what is due with the schedule in force ({@link BackupSettingsStore}):
 * <ul>
 *   <li>the first full backup {@code first-delay} after the node starts when there is no complete backup (again every
 *       hour while the attempts fail);</li>
 *   <li>a full backup at {@code full-at} (UTC) and every {@code full-every} from it, the first such time at least half
 *       a period after the last full backup started;</li>
 *   <li>a differential backup every {@code differential-every} since the last backup (pgBackRest only);</li>
 *   <li>a verification of the chain every {@code chain-verify-every}.</li>
 * </ul>
 * Expiry and the verification of each backup follow the backup itself ({@link BackupService}).
 */
public final class BackupScheduler implements AutoCloseable {
    static final String LEASE = "backup.schedule";
    static final Duration RETRY_FIRST = Duration.ofHours(1);
    private static final Duration MAX_TICK = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);

    private final BackupService service;
    private final JobLeases leases;
    private final Clock clock;
    private final Instant startedAt;
    private final ScheduledExecutorService ticker;
    private volatile boolean closing;

    public BackupScheduler(BackupService service, HazelcastInstance hazelcast, Clock clock) {
        this.service = service;
        this.leases = new JobLeases(hazelcast, service.config().leaseTtl());
        this.clock = clock;
        this.startedAt = clock.instant();
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-backup-schedule");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Ticks every half {@code first-delay}, at most every 30 s; nothing when this node cannot back up. */
    public void start() {
        if (service.engine().isEmpty()) {
            LOG.info("backup schedule: not running on this node: {}", service.unavailable().orElse("no engine"));
            return;
        }
        long every = Math.clamp(service.config().schedule().firstDelay().toMillis() / 2, 1000, MAX_TICK.toMillis());
        ticker.scheduleWithFixedDelay(this::scheduled, every, every, TimeUnit.MILLISECONDS);
        BackupConfig.Schedule schedule = service.settings().effective();
        LOG.info("backup schedule: full every {} at {} UTC, differential {}, chain verification every {}, keeping {} full backups for {}; "
                        + "next full backup at {}", schedule.fullEvery(), schedule.fullAt(), schedule.differentialEvery().map(Duration::toString).orElse("off"),
                schedule.chainVerifyEvery(), schedule.retainFull(), schedule.retainFor(), nextFullAt(schedule));
    }

    /**
     * One tick, now, if this node can take the schedule's lease: returns what it started ({@code full},
     * {@code differential}, {@code verify-chain}); empty when nothing was due or another node holds the lease.
     */
    public List<String> tick() {
        Optional<JobLeases.Lease> lease = leases.tryAcquire(LEASE);
        if (lease.isEmpty()) {
            return List.of();
        }
        List<String> started = new ArrayList<>();
        try (JobLeases.Lease held = lease.get()) {
            BackupOperations operations = service.operations();
            int stale = operations.failStale();
            if (stale > 0) {
                LOG.warn("backup schedule: {} run(s) failed: their node stopped beating", stale);
            }
            if (service.engine().isEmpty() || !held.held()) {
                return started;
            }
            BackupConfig.Schedule schedule = service.settings().effective();
            Instant now = clock.instant();
            if (operations.running(BackupOperations.BACKUP).isEmpty()) {
                if (!now.isBefore(nextFullAt(schedule))) {
                    if (service.startBackup("full", BackupService.SCHEDULE).started()) {
                        started.add("full");
                    }
                } else if (differentialDue(schedule, now)) {
                    if (service.startBackup("differential", BackupService.SCHEDULE).started()) {
                        started.add("differential");
                    }
                }
            }
            if (chainVerifyDue(schedule, now) && service.startVerify(Optional.empty(), BackupService.SCHEDULE).started()) {
                started.add("verify-chain");
            }
        }
        return started;
    }

    /** When the schedule in force starts the next full backup. */
    public Instant nextFullAt() {
        return nextFullAt(service.settings().effective());
    }

    Instant nextFullAt(BackupConfig.Schedule schedule) {
        BackupOperations operations = service.operations();
        Optional<Instant> lastAttempt = operations.newest(BackupOperations.BACKUP, "backupKind", "full").map(OperationView::startedAt);
        List<BackupView> complete = service.catalog().complete();
        Optional<Instant> lastFull = complete.stream().filter(b -> "full".equals(b.kind())).map(BackupView::startedAt)
                .max(Comparator.naturalOrder());
        Instant first = startedAt.plus(schedule.firstDelay());
        if (complete.isEmpty()) {
            return lastAttempt.map(t -> latest(first, t.plus(RETRY_FIRST))).orElse(first);
        }
        Instant base = latest(lastFull.orElse(Instant.EPOCH), lastAttempt.orElse(Instant.EPOCH));
        return slot(schedule, base.plus(schedule.fullEvery().dividedBy(2)));
    }

    /** The first start time of the schedule at or after {@code t}: {@code full-at} on 1970-01-01 plus a whole number of periods. */
    static Instant slot(BackupConfig.Schedule schedule, Instant t) {
        long anchor = schedule.fullAt().toSecondOfDay() * 1000L;
        long period = schedule.fullEvery().toMillis();
        long k = Math.ceilDiv(t.toEpochMilli() - anchor, period);
        return Instant.ofEpochMilli(anchor + k * period);
    }

    private boolean differentialDue(BackupConfig.Schedule schedule, Instant now) {
        if (schedule.differentialEvery().isEmpty() || service.engine().filter(e -> "pgbackrest".equals(e.name())).isEmpty()) {
            return false;
        }
        Optional<BackupView> last = service.lastComplete();
        return last.isPresent() && !now.isBefore(last.get().startedAt().plus(schedule.differentialEvery().get()));
    }

    private boolean chainVerifyDue(BackupConfig.Schedule schedule, Instant now) {
        List<BackupView> complete = service.catalog().complete();
        if (complete.isEmpty() || service.operations().running(BackupOperations.VERIFY).isPresent()) {
            return false;
        }
        Instant base = service.operations().newest(BackupOperations.VERIFY, "chain", "true").map(OperationView::startedAt)
                .orElse(complete.getFirst().consistentAt());
        return base != null && !now.isBefore(base.plus(schedule.chainVerifyEvery()));
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A scheduled tick: the ticker thread's root, so every failure is logged here and the schedule goes on. */
    private void scheduled() {
        if (closing) {
            return;
        }
        try {
            List<String> started = tick();
            if (!started.isEmpty()) {
                LOG.info("backup schedule started: {}", started);
            }
        } catch (RuntimeException e) {
            LOG.warn("backup schedule: a tick failed; the next one tries again: {}", e.toString(), e);
        }
    }

    @Override
    public void close() {
        closing = true;
        ticker.shutdownNow();
        leases.close();
    }
}

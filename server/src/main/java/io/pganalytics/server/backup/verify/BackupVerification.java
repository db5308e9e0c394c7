package io.pganalytics.server.backup.verify;

import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.VerificationView;
import io.pganalytics.common.backup.VerificationView.Check;
import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupEngine;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.OutsideWindowsException;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.backup.restore.RestoreTarget;
import io.pganalytics.server.files.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Verifies backups by real restores, whatever the engine: the engine restores into {@code <scratch-dir>/<name>}, the
 * {@link ScratchVerifier} starts and checks the copy with the engine's PostgreSQL binaries and deletes it, and the
 * result goes into the catalogue ({@code backup.verification}), with the check that failed naming the object, table or
 * index at fault.
 * <ul>
 *   <li>{@link #verify(String, Progress)}: one backup, replayed to its own consistent point (its end) and no further;</li>
 *   <li>{@link #verifyChain(Progress)}: the whole chain, the newest backup and every archived segment after it, to the
 *       latest point; recorded on that backup.</li>
 * </ul>
 */
public final class BackupVerification {
    /** How long a verification of a backup just taken waits for its last WAL segment to reach the repository. */
    static final Duration WAL_WAIT = Duration.ofMinutes(2);
    private static final Logger LOG = LoggerFactory.getLogger(BackupVerification.class);

    private final BackupEngine engine;
    private final BackupCatalog catalog;
    private final Path scratchRoot;
    private final Duration timeout;
    private final Clock clock;

    /**
     * @param scratchRoot where scratch restores go ({@code backup.verify.scratch-dir}, default {@code <data-dir>/backup-scratch})
     * @param timeout     the longest one verification's start, recovery and checks may take ({@code backup.verify.timeout})
     */
    public BackupVerification(BackupEngine engine, BackupCatalog catalog, Path scratchRoot, Duration timeout, Clock clock) {
        this.engine = engine;
        this.catalog = catalog;
        this.scratchRoot = scratchRoot;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * Restores backup {@code id} to its consistent point in a scratch copy, checks it and records the result.
     *
     * @throws IllegalArgumentException when there is no such complete backup
     */
    public VerificationView verify(String id, Progress progress) {
        BackupView backup = catalog.find(id).filter(b -> "complete".equals(b.state()) && b.consistentAt() != null)
                .orElseThrow(() -> new IllegalArgumentException("there is no complete backup " + id));
        return run(id, Optional.of(backup.consistentAt()), "backup " + id + " to its consistent point " + backup.consistentAt(), progress);
    }

    /** Restores the newest backup and all the WAL after it to the latest point, checks it, records it on that backup. */
    public VerificationView verifyChain(Progress progress) {
        return run(null, Optional.empty(), "the whole chain to the latest point", progress);
    }

    private VerificationView run(String id, Optional<Instant> to, String what, Progress progress) {
        Path scratch;
        try {
            scratch = OwnerOnly.directory(scratchRoot).resolve((id == null ? "chain" : id) + "-" + clock.millis());
        } catch (IOException e) {
            throw new BackupException("backup verification: the scratch directory " + scratchRoot + " cannot be made: " + e.getMessage(), e);
        }
        List<Check> checks = new ArrayList<>();
        String recordOn = id;
        try {
            progress.phase("planning the restore of " + what);
            RestorePlan plan = plan(to, scratch);
            recordOn = plan.backupId();
            catalog.verification(recordOn, "running", null, List.of());
            progress.phase("restoring " + what + " into " + scratch);
            engine.restore(plan, progress);
            checks.add(new Check("restore", true, "backup " + plan.backupId() + " and WAL " + plan.walFrom() + " .. " + plan.walTo()
                    + " read, decrypted and checked (" + plan.bytesToRead() + " bytes)" + (plan.latest() ? " to the latest point " + plan.to() : "")));
            progress.phase("starting and checking the restored copy");
            checks.addAll(new ScratchVerifier(engine.postgresBin(), timeout, engine.recoveryEnvironment()).verify(scratch));
        } catch (BackupException e) {
            checks.add(new Check("restore", false, e.getMessage()));
        } finally {
            try {
                RestoreTarget.deleteTree(scratch, false);
            } catch (IOException e) {
                LOG.warn("backup verification: the scratch copy {} could not be deleted: {}", scratch, e.getMessage());
            }
        }
        boolean passed = !checks.isEmpty() && checks.stream().allMatch(Check::passed);
        VerificationView view = new VerificationView(passed ? VerificationView.PASSED : VerificationView.FAILED, clock.instant(), checks);
        if (recordOn != null) {
            catalog.verification(recordOn, view.state(), view.verifiedAt(), checks);
        }
        if (passed) {
            LOG.info("backup verification of {} passed", what);
        } else {
            LOG.warn("backup verification of {} failed: {}", what, checks.stream().filter(c -> !c.passed()).findFirst().map(Check::detail).orElse(""));
        }
        progress.phase(passed ? "passed" : "failed");
        return view;
    }

    /** Plans, waiting a little for a backup's last segment that the WAL shipping has not moved into the repository yet. */
    private RestorePlan plan(Optional<Instant> to, Path scratch) {
        Instant deadline = clock.instant().plus(WAL_WAIT);
        while (true) {
            try {
                return engine.plan(to, scratch);
            } catch (OutsideWindowsException e) {
                if (clock.instant().isAfter(deadline)) {
                    throw e;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new BackupException("backup verification interrupted", interrupted);
                }
            }
        }
    }
}

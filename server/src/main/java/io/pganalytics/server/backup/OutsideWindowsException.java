package io.pganalytics.server.backup;

import io.pganalytics.common.backup.RecoveryWindow;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A restore asked for a time no recovery window holds; it names the nearest times that can be restored to. */
public final class OutsideWindowsException extends BackupException {
    private final Instant asked;
    private final Optional<Instant> nearestBefore;
    private final Optional<Instant> nearestAfter;

    public OutsideWindowsException(Instant asked, List<RecoveryWindow> windows) {
        this(asked, windows.isEmpty(), nearestBefore(asked, windows), nearestAfter(asked, windows));
    }

    private OutsideWindowsException(Instant asked, boolean none, Optional<Instant> before, Optional<Instant> after) {
        super(message(asked, none, before, after));
        this.asked = asked;
        this.nearestBefore = before;
        this.nearestAfter = after;
    }

    public Instant asked() {
        return asked;
    }

    /** The latest restorable time before the one asked. */
    public Optional<Instant> nearestBefore() {
        return nearestBefore;
    }

    /** The earliest restorable time after the one asked. */
    public Optional<Instant> nearestAfter() {
        return nearestAfter;
    }

    private static Optional<Instant> nearestBefore(Instant asked, List<RecoveryWindow> windows) {
        return windows.stream().map(RecoveryWindow::to).filter(t -> t.isBefore(asked)).max(Instant::compareTo);
    }

    private static Optional<Instant> nearestAfter(Instant asked, List<RecoveryWindow> windows) {
        return windows.stream().map(RecoveryWindow::from).filter(t -> t.isAfter(asked)).min(Instant::compareTo);
    }

    private static String message(Instant asked, boolean none, Optional<Instant> before, Optional<Instant> after) {
        if (none) {
            return "no backup can be restored yet: there is no complete backup with its WAL in the repository";
        }
        StringBuilder message = new StringBuilder(asked + " is in no recovery window; the nearest restorable times are");
        before.ifPresent(t -> message.append(' ').append(t).append(" (before)"));
        if (before.isPresent() && after.isPresent()) {
            message.append(" and");
        }
        after.ifPresent(t -> message.append(' ').append(t).append(" (after)"));
        return message.toString();
    }
}

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
        super(message(asked, windows));
        this.asked = asked;
        this.nearestBefore = windows.stream().map(RecoveryWindow::to).filter(t -> t.isBefore(asked)).max(Instant::compareTo);
        this.nearestAfter = windows.stream().map(RecoveryWindow::from).filter(t -> t.isAfter(asked)).min(Instant::compareTo);
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

    private static String message(Instant asked, List<RecoveryWindow> windows) {
        if (windows.isEmpty()) {
            return "no backup can be restored yet: there is no complete backup with its WAL in the repository";
        }
        Optional<Instant> before = windows.stream().map(RecoveryWindow::to).filter(t -> t.isBefore(asked)).max(Instant::compareTo);
        Optional<Instant> after = windows.stream().map(RecoveryWindow::from).filter(t -> t.isAfter(asked)).min(Instant::compareTo);
        StringBuilder message = new StringBuilder(asked + " is in no recovery window; the nearest restorable times are");
        before.ifPresent(t -> message.append(' ').append(t).append(" (before)"));
        if (before.isPresent() && after.isPresent()) {
            message.append(" and");
        }
        after.ifPresent(t -> message.append(' ').append(t).append(" (after)"));
        return message.toString();
    }
}

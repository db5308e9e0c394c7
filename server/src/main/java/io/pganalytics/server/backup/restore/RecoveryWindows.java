package io.pganalytics.server.backup.restore;

import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.BackupStore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Recovery windows from what the repository holds, with no database: a backup's window runs from its consistent point
 * to the time the last segment of the gap-free WAL run after its {@code walStop} reached the repository (a segment holds
 * no WAL newer than that). A backup whose own WAL ({@code walStart..walStop}) is not all there has no window.
 */
public final class RecoveryWindows {
    private RecoveryWindows() {
    }

    /** One archived WAL object: its segment (or history file) name, when it reached the repository, its stored size. */
    public record ArchivedWal(String name, Instant archivedAt, long storedBytes) {
        public String object() {
            return BackupManifest.walObject(name);
        }
    }

    /**
     * A backup and the WAL that restores it: {@code segments} from its {@code walStart} to the end of the gap-free run.
     */
    public record Chain(BackupManifest backup, List<ArchivedWal> segments) {
        public Chain {
            segments = List.copyOf(segments);
        }

        /** The consistent point at PostgreSQL's precision (rounded to microseconds, as the catalogue's timestamptz holds it). */
        public Instant from() {
            return micros(backup.consistentAt());
        }

        /** The newest restorable time: the later of the consistent point and the last segment's arrival. */
        public Instant to() {
            Instant last = micros(segments.stream().map(ArchivedWal::archivedAt).max(Comparator.naturalOrder()).orElse(from()));
            return last.isAfter(from()) ? last : from();
        }

        public RecoveryWindow window() {
            return new RecoveryWindow(from(), to(), backup.id(), backup.timeline());
        }

        /** The segments up to {@code walStop}: what a restore to the consistent point needs, and no more. */
        public List<ArchivedWal> toConsistency() {
            long stop = WalSegments.number(backup.walStop());
            return segments.stream().filter(s -> WalSegments.number(s.name()) <= stop).toList();
        }
    }

    /** The archived WAL segments among the listing of {@code wal/}, by name (history files aside). */
    public static Map<String, ArchivedWal> segments(List<BackupStore.StoredObject> walListing) {
        Map<String, ArchivedWal> segments = new TreeMap<>();
        for (BackupStore.StoredObject object : walListing) {
            walName(object.name()).filter(WalSegments::isSegment)
                    .ifPresent(name -> segments.put(name, new ArchivedWal(name, object.modified(), object.size())));
        }
        return segments;
    }

    /** The timeline history files among the listing of {@code wal/}. */
    public static List<ArchivedWal> histories(List<BackupStore.StoredObject> walListing) {
        List<ArchivedWal> histories = new ArrayList<>();
        for (BackupStore.StoredObject object : walListing) {
            walName(object.name()).filter(WalSegments::isHistory)
                    .ifPresent(name -> histories.add(new ArchivedWal(name, object.modified(), object.size())));
        }
        return histories;
    }

    /** Every backup that can be restored, with its WAL, oldest consistent point first. */
    public static List<Chain> chains(List<BackupManifest> backups, Map<String, ArchivedWal> segments) {
        List<Chain> chains = new ArrayList<>();
        for (BackupManifest backup : backups) {
            chain(backup, segments).ifPresent(chains::add);
        }
        chains.sort(Comparator.comparing(Chain::from).thenComparing(c -> c.backup().id()));
        return chains;
    }

    public static List<RecoveryWindow> windows(List<Chain> chains) {
        return chains.stream().map(Chain::window).toList();
    }

    static Optional<Chain> chain(BackupManifest backup, Map<String, ArchivedWal> segments) {
        if (!WalSegments.isSegment(backup.walStart()) || !WalSegments.isSegment(backup.walStop())) {
            return Optional.empty();
        }
        long stop = WalSegments.number(backup.walStop());
        List<ArchivedWal> run = new ArrayList<>();
        String segment = backup.walStart();
        while (true) {
            ArchivedWal archived = segments.get(segment);
            if (archived == null) {
                break;
            }
            run.add(archived);
            segment = WalSegments.next(segment);
        }
        if (run.isEmpty() || WalSegments.number(run.getLast().name()) < stop) {
            return Optional.empty();  // the backup's own WAL is incomplete: it cannot reach consistency
        }
        return Optional.of(new Chain(backup, run));
    }

    /** {@code time} rounded to microseconds, as PostgreSQL stores a {@code timestamptz} it is given with nanoseconds. */
    public static Instant micros(Instant time) {
        return time.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }

    private static Optional<String> walName(String object) {
        if (!object.startsWith(BackupManifest.WAL) || !object.endsWith(BackupManifest.SUFFIX)) {
            return Optional.empty();
        }
        return Optional.of(object.substring(BackupManifest.WAL.length(), object.length() - BackupManifest.SUFFIX.length()));
    }
}

package io.pganalytics.server.backup.pgbackrest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** How far repository 2 (the second region) is behind repository 1. */
final class PgBackRestRepositories {
    private PgBackRestRepositories() {
    }

    /**
     * The age of the oldest thing repository 1 holds that repository 2 does not: a backup newer than repository 2's
     * newest backup, or a WAL segment beyond repository 2's newest segment. 0 when repository 2 is in step.
     */
    static long lagSeconds(List<PgBackRestInfo.Backup> primary, List<PgBackRestInfo.Backup> second,
                           List<PgBackRestInfo.Segment> primaryWal, List<PgBackRestInfo.Segment> secondWal, Instant now) {
        Optional<Instant> secondNewest = second.stream().map(PgBackRestInfo.Backup::stop).max(Instant::compareTo);
        Optional<Instant> oldestMissingBackup = primary.stream().map(PgBackRestInfo.Backup::stop)
                .filter(stop -> secondNewest.isEmpty() || stop.isAfter(secondNewest.get())).min(Instant::compareTo);
        Optional<String> secondWalNewest = secondWal.stream().map(PgBackRestInfo.Segment::name).max(String::compareTo);
        Optional<Instant> oldestMissingWal = primaryWal.stream()
                .filter(s -> secondWalNewest.isEmpty() || s.name().compareTo(secondWalNewest.get()) > 0)
                .map(PgBackRestInfo.Segment::archivedAt).min(Instant::compareTo);
        Optional<Instant> oldest = Optional.ofNullable(min(oldestMissingBackup.orElse(null), oldestMissingWal.orElse(null)));
        return oldest.map(at -> Math.max(0, Duration.between(at, now).toSeconds())).orElse(0L);
    }

    private static Instant min(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}

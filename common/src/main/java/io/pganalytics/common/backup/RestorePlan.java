package io.pganalytics.common.backup;

import java.time.Instant;
import java.util.List;

/**
 * What a restore does, as a dry run reports it and as a restore runs it.
 *
 * @param to            the time restored to; for {@code latest}, the end of the newest window
 * @param latest        true when restoring to the newest point
 * @param backupId      the backup it starts from
 * @param backupAt      that backup's consistent point
 * @param walFrom       the first WAL segment replayed
 * @param walTo         the last WAL segment replayed (for {@code latest}: the newest archived)
 * @param bytesToRead   backup and WAL bytes read from the repository
 * @param target        where the restored data directory goes
 * @param steps         what happens, in order, for a person
 * @param warnings      what the operator should know first (a target not empty, the second region behind...)
 */
public record RestorePlan(Instant to, boolean latest, String backupId, Instant backupAt, String walFrom, String walTo,
                          long bytesToRead, String target, List<String> steps, List<String> warnings) {
    public RestorePlan {
        steps = List.copyOf(steps);
        warnings = List.copyOf(warnings);
    }
}

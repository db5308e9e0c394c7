package io.pganalytics.server.backup.restore;

import io.pganalytics.server.files.OwnerOnly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.List;
import java.util.Optional;

/**
 * What makes a restored data directory recover on its first start: {@code recovery.signal}, and in
 * {@code postgresql.auto.conf} a {@code restore_command} that copies from the staged WAL (a path relative to the data
 * directory, so the directory can be moved into place before it starts), the target, {@code promote} at the target,
 * and the latest timeline.
 */
public final class RecoverySettings {
    /** The directory inside the restored data directory that holds the decrypted WAL until recovery has read it. */
    public static final String STAGED_WAL = io.pganalytics.server.db.EmbeddedDatabase.RESTORE_STAGING;
    /** Directories PostgreSQL needs at start that a base backup leaves empty or out (as pg_basebackup does). */
    static final List<String> EMPTY_DIRECTORIES = List.of("pg_wal", "pg_wal/archive_status", "pg_replslot", "pg_stat_tmp",
            "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans", "pg_dynshmem", "pg_logical", "pg_logical/snapshots",
            "pg_logical/mappings", "pg_tblspc", "pg_commit_ts", "pg_twophase", "pg_multixact", "pg_multixact/members",
            "pg_multixact/offsets", "pg_stat", "pg_xact");

    private static final DateTimeFormatter TIMESTAMPTZ = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

    private RecoverySettings() {
    }

    /** The lines added to {@code postgresql.auto.conf}. */
    public static List<String> lines(Optional<Instant> targetTime, boolean immediate) {
        String target = immediate ? "recovery_target = 'immediate'"
                : targetTime.map(t -> "recovery_target_time = '" + postgresTime(t) + "'").orElse("# no recovery target: replay all the WAL there is (latest)");
        return List.of(
                "# added by pgAnalytics' restore: recovery from the backup repository (docs/backup/restore.md)",
                "restore_command = 'cp \"" + STAGED_WAL + "/%f\" \"%p\"'",
                target,
                "recovery_target_action = 'promote'",
                "recovery_target_timeline = 'latest'");
    }

    /** A time as PostgreSQL reads a {@code timestamptz} setting ({@code 2026-12-07 08:30:00.123456+00}). */
    public static String postgresTime(Instant time) {
        return TIMESTAMPTZ.format(time.atOffset(ZoneOffset.UTC)) + "+00";
    }

    /** Writes {@code recovery.signal} and the settings; removes a stale {@code postmaster.pid} the backup may carry. */
    public static void write(Path dataDir, Optional<Instant> targetTime, boolean immediate) throws IOException {
        for (String dir : EMPTY_DIRECTORIES) {
            OwnerOnly.directory(dataDir.resolve(dir));
        }
        Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
        Files.deleteIfExists(dataDir.resolve("postmaster.opts"));
        Path autoConf = dataDir.resolve("postgresql.auto.conf");
        String existing = Files.isRegularFile(autoConf) ? Files.readString(autoConf) : "";
        if (!existing.isEmpty() && !existing.endsWith("\n")) {
            existing += "\n";
        }
        OwnerOnly.writeString(autoConf, existing + String.join("\n", lines(targetTime, immediate)) + "\n");
        OwnerOnly.writeString(dataDir.resolve("recovery.signal"), "");
    }
}

package io.pganalytics.server.backup;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The {@code backup} node (docs/BACKUP-AND-RECOVERY.md, "Configuration").
 *
 * @param enabled         whether backups run at all: on by default (the safe default); off only by choice
 * @param engine          which engine: {@code auto} picks the embedded engine with the embedded database and pgBackRest
 *                        with an external one
 * @param repository      the primary repository's directory (embedded engine); default {@code <data-dir>/backups}
 * @param archiveTimeout  the longest PostgreSQL waits before it hands a WAL segment over to archiving: with
 *                        {@code walShipInterval}, what bounds the data a restore to the latest point loses
 * @param walShipInterval how often archived segments are moved (encrypted) into the repository
 * @param walOutboxMax    the most archived WAL kept waiting on the database's disk while the repository cannot take it:
 *                        beyond it the oldest is dropped and the chain restarts with the next full backup, so that a
 *                        full or lost repository never stops the database
 * @param schedule        the schedule and retention as the configuration file gives them (the API may change them)
 * @param verify          verification by real restores
 * @param secondRegion    the second region's repository, when configured
 * @param pgbackrest      the pgBackRest engine's settings
 * @param leaseTtl        how long a backup job's lease outlives a holder that died
 * @param operationStale  a run whose node has not beaten for this long is marked failed
 */
public record BackupConfig(boolean enabled,
                           Engine engine,
                           Optional<Path> repository,
                           Duration archiveTimeout,
                           Duration walShipInterval,
                           long walOutboxMax,
                           Schedule schedule,
                           Verify verify,
                           Optional<SecondRegion> secondRegion,
                           PgBackRest pgbackrest,
                           Duration leaseTtl,
                           Duration operationStale) {

    public enum Engine {
        AUTO,
        EMBEDDED,
        PGBACKREST
    }

    /**
     * @param fullEvery         how often a full backup is taken
     * @param fullAt            the time of day (UTC) a full backup starts, for {@code fullEvery} of a day or more
     * @param differentialEvery how often a differential backup is taken (pgBackRest only); empty: none
     * @param chainVerifyEvery  how often the whole chain (newest backup plus WAL to now) is restored and checked
     * @param retainFull        how many full backups are kept
     * @param retainFor         how long a full backup is kept at most
     * @param firstDelay        how long after a node starts the first backup is taken when there is no complete one
     */
    public record Schedule(Duration fullEvery, LocalTime fullAt, Optional<Duration> differentialEvery, Duration chainVerifyEvery,
                           int retainFull, Duration retainFor, Duration firstDelay) {
    }

    /**
     * @param afterBackup  whether each backup is verified by a restore as soon as it completes
     * @param scratchDir   where scratch restores go; default {@code <data-dir>/backup-scratch}
     * @param timeout      the longest a verification may take before it is failed
     * @param postgresBin  the PostgreSQL programs a scratch restore runs ({@code bin/} of the same major version as the
     *                     backed-up server); default: the embedded binaries (embedded engine only)
     */
    public record Verify(boolean afterBackup, Optional<Path> scratchDir, Duration timeout, Optional<Path> postgresBin) {
    }

    /**
     * The second region: a directory (another filesystem or a mounted remote one) or an S3-compatible bucket.
     *
     * @param path              a directory, when the second region is a filesystem path
     * @param s3Bucket          the bucket, when it is an object store
     * @param s3Prefix          the key prefix inside the bucket
     * @param s3Endpoint        an endpoint override (MinIO, Ceph, s3proxy); empty: AWS itself
     * @param s3Region          the region ({@code us-east-1} when not set)
     * @param accessKeyIdEnv    the environment variable holding the access key id; empty: the SDK's default chain
     * @param secretAccessKeyEnv the environment variable holding the secret key
     * @param pathStyle         path-style addressing (most S3-compatible servers want it)
     * @param copyInterval      how often new objects are copied over
     */
    public record SecondRegion(Optional<Path> path, Optional<String> s3Bucket, String s3Prefix, Optional<String> s3Endpoint,
                               Optional<String> s3Region, Optional<String> accessKeyIdEnv, Optional<String> secretAccessKeyEnv,
                               boolean pathStyle, Duration copyInterval) {
    }

    /**
     * The pgBackRest engine (docs/backup/pgbackrest.md).
     *
     * @param command        the program and its leading arguments ({@code pgbackrest}, or
     *                       {@code sudo -u postgres pgbackrest} where the database's files belong to another account)
     * @param stanza         the stanza name
     * @param configFile     the pgBackRest configuration the server writes (owner-only); default
     *                       {@code <data-dir>/pgbackrest/pgbackrest.conf}
     * @param pgPath         the database's data directory on its host
     * @param pgHost         the database's host when pgBackRest reaches it remotely; empty: local
     * @param pgPort         the database's port
     * @param pgSocket       the database's Unix socket directory; empty: pgBackRest's default
     * @param pgUser         the database user pgBackRest connects as
     * @param repoPath       repository 1's directory
     * @param cipherPassFile a file holding repository encryption's passphrase; empty: generated once and kept sealed
     *                       by the key service
     * @param processMax     pgBackRest's {@code process-max}
     * @param timeout        the longest one pgBackRest command may run
     */
    public record PgBackRest(List<String> command, String stanza, Optional<Path> configFile, Optional<Path> pgPath,
                             Optional<String> pgHost, int pgPort, Optional<Path> pgSocket, String pgUser, Optional<Path> repoPath,
                             Optional<Path> cipherPassFile, int processMax, Duration timeout) {
    }

    public static BackupConfig defaults() {
        return from(Config.empty());
    }

    public static BackupConfig from(Config node) {
        Duration archiveTimeout = Settings.duration(node, "archive-timeout", Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofMinutes(4));
        Duration walShipInterval = Settings.duration(node, "wal-ship-interval", Duration.ofSeconds(5), Duration.ofMillis(200),
                Duration.ofSeconds(60));
        return new BackupConfig(
                Settings.bool(node, "enabled", true),
                Settings.choice(node, "engine", Engine.class, Engine.AUTO),
                Settings.path(node, "repository"),
                archiveTimeout,
                walShipInterval,
                Settings.bytes(node, "wal-outbox-max", 8L << 30, 64L << 20, 1L << 42),
                schedule(node.get("schedule")),
                verify(node.get("verify")),
                secondRegion(node.get("second-region")),
                pgbackrest(node.get("pgbackrest")),
                Settings.duration(node, "lease-ttl", Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofHours(1)),
                Settings.duration(node, "operation-stale", Duration.ofMinutes(2), Duration.ofSeconds(5), Duration.ofHours(1)));
    }

    /** The repository directory of the embedded engine. */
    public Path repositoryIn(Path dataDir) {
        return repository.orElse(dataDir.resolve("backups"));
    }

    /** Where the embedded PostgreSQL hands archived WAL over to the server (on the database's own disk). */
    public static Path walOutbox(Path dataDir) {
        return dataDir.resolve("wal-outbox");
    }

    /** The {@code schedule} node; the settings changed at runtime are read by the same rules ({@link BackupSettingsStore}). */
    static Schedule schedule(Config node) {
        String at = Settings.string(node, "full-at", "01:00");
        LocalTime fullAt;
        try {
            fullAt = LocalTime.parse(at);
        } catch (DateTimeParseException e) {
            throw Settings.problem(node, "full-at", "'" + at + "' is not a time of day (HH:mm, UTC)");
        }
        Optional<Duration> differential = Settings.optionalString(node, "differential-every")
                .filter(value -> !value.equals("off"))
                .map(value -> Settings.duration(node, "differential-every", Duration.ofHours(6), Duration.ofMinutes(15), Duration.ofDays(7)));
        return new Schedule(
                Settings.duration(node, "full-every", Duration.ofDays(1), Duration.ofMinutes(15), Duration.ofDays(31)),
                fullAt,
                differential,
                Settings.duration(node, "chain-verify-every", Duration.ofDays(7), Duration.ofHours(1), Duration.ofDays(90)),
                Settings.integer(node, "retain-full", 7, 1, 1000),
                Settings.duration(node, "retain-for", Duration.ofDays(30), Duration.ofDays(1), Duration.ofDays(3650)),
                Settings.duration(node, "first-delay", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1)));
    }

    private static Verify verify(Config node) {
        return new Verify(
                Settings.bool(node, "after-backup", true),
                Settings.path(node, "scratch-dir"),
                Settings.duration(node, "timeout", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(1)),
                Settings.path(node, "postgres-bin"));
    }

    private static Optional<SecondRegion> secondRegion(Config node) {
        if (!node.exists()) {
            return Optional.empty();
        }
        Optional<Path> path = Settings.path(node, "path");
        Config s3 = node.get("s3");
        Optional<String> bucket = Settings.optionalString(s3, "bucket");
        if (path.isPresent() == bucket.isPresent()) {
            throw Settings.problem(node, "path", "name either backup.second-region.path or backup.second-region.s3.bucket (one of them)");
        }
        return Optional.of(new SecondRegion(path, bucket,
                Settings.string(s3, "prefix", "pganalytics"),
                Settings.optionalString(s3, "endpoint"),
                Settings.optionalString(s3, "region"),
                Settings.optionalString(s3, "access-key-id-env"),
                Settings.optionalString(s3, "secret-access-key-env"),
                Settings.bool(s3, "path-style", true),
                Settings.duration(node, "copy-interval", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1))));
    }

    private static PgBackRest pgbackrest(Config node) {
        List<String> command = Settings.list(node, "command");
        return new PgBackRest(
                command.isEmpty() ? List.of("pgbackrest") : command,
                Settings.string(node, "stanza", "pganalytics"),
                Settings.path(node, "config-file"),
                Settings.path(node, "pg-path"),
                Settings.optionalString(node, "pg-host"),
                Settings.integer(node, "pg-port", 5432, 1, 65535),
                Settings.path(node, "pg-socket"),
                Settings.string(node, "pg-user", "postgres"),
                Settings.path(node, "repo-path"),
                Settings.path(node, "cipher-pass-file"),
                Settings.integer(node, "process-max", 2, 1, 64),
                Settings.duration(node, "timeout", Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(2)));
    }
}

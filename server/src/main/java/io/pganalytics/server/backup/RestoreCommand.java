package io.pganalytics.server.backup;

import io.helidon.config.Config;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.crypto.KeyEncryptionKeys;
import io.pganalytics.server.backup.embedded.RepositoryReader;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.config.Settings;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.crypto.EncryptionConfig;
import io.pganalytics.server.db.DatabaseConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pganalytics-server restore --to <latest|ISO instant> --target <dir> [--config FILE] [--data-dir DIR]
 * [--repository DIR] [--dry-run]}: restores the embedded engine's repository into a new directory with the server
 * stopped and its database gone. It reads the repository and the key-encryption key only (the configuration names the
 * key's provider); it prints the plan, the progress and the figures (bytes, MB/s, seconds). The switch-over is a
 * runbook (docs/backup/restore.md). Exit codes: 0 restored (or planned, with {@code --dry-run}), 1 failed or refused,
 * 2 wrong usage.
 */
public final class RestoreCommand {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final String HELP = """
            Usage: pganalytics-server restore --to latest|TIME --target DIR [--config FILE] [--data-dir DIR] [--repository DIR] [--dry-run]
              --to latest|TIME  the newest restorable point, or an ISO-8601 time (2026-12-07T08:30:00Z) inside a recovery window
              --target DIR      a new or empty directory: it becomes a PostgreSQL data directory that recovers when started
              --config FILE     the server's configuration file (the key-encryption key's provider and the repository)
              --data-dir DIR    the server's data directory (default ~/.pganalytics/server): its key store and repository
              --repository DIR  the backup repository (default backup.repository, else <data-dir>/backups)
              --dry-run         print the plan only; write nothing
            Works with the server stopped and its database gone. Exit codes: 0 done, 1 failed or refused, 2 wrong usage.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    public RestoreCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    /** The parsed command line. */
    record Arguments(Optional<Instant> to, Path target, Optional<Path> config, Optional<Path> dataDir, Optional<Path> repository,
                     boolean dryRun) {
    }

    public int run(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(HELP);
            return OK;
        }
        Arguments arguments;
        try {
            arguments = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("restore: " + e.getMessage() + "\n" + HELP);
            return USAGE;
        }
        Config config;
        try {
            Map<String, String> overrides = new LinkedHashMap<>();
            arguments.dataDir().ifPresent(d -> overrides.put("server.data-dir", d.toString()));
            config = ConfigLoader.load(arguments.config().orElse(null), environment, overrides);
        } catch (ConfigException e) {
            err.println("restore: " + e.getMessage());
            return USAGE;
        }
        try {
            return restore(arguments, config);
        } catch (ConfigException | BackupException e) {
            err.println("restore: " + e.getMessage());
            return FAILED;
        }
    }

    private int restore(Arguments arguments, Config config) {
        Path dataDir = Settings.path(config.get("server"), "data-dir").orElse(Settings.expandHome("~/.pganalytics/server"))
                .toAbsolutePath().normalize();
        BackupConfig backup = BackupConfig.from(config.get("backup"));
        if (BackupEngines.choose(backup, DatabaseConfig.from(config.get("database")).embedded()) != BackupConfig.Engine.EMBEDDED) {
            err.println("restore: this server's backups are pgBackRest's: restore them with pgbackrest restore (docs/backup/pgbackrest.md)");
            return FAILED;
        }
        Path repositoryDir = arguments.repository().orElse(backup.repositoryIn(dataDir)).toAbsolutePath().normalize();
        if (!Files.isDirectory(repositoryDir)) {
            err.println("restore: there is no backup repository at " + repositoryDir + " (name it with --repository)");
            return FAILED;
        }
        EncryptionConfig encryption = EncryptionConfig.from(config.get("encryption"));
        if (encryption.provider() == EncryptionConfig.Provider.KEYSTORE) {
            Path keyStore = encryption.keystore().file().orElse(dataDir.resolve("keys").resolve("kek.p12")).toAbsolutePath().normalize();
            if (!Files.isRegularFile(keyStore)) {
                err.println("restore: the key store " + keyStore + " does not exist: the backups open only with the key-encryption key"
                        + " they were sealed under; put the key store (and its passphrase) back from your key backup, or name it with"
                        + " encryption.keystore.file (docs/backup/restore.md)");
                return FAILED;
            }
        }
        try (KeyEncryptionKeys kek = CryptoFeature.openOffline(encryption, dataDir, environment)) {
            SealedStreams sealing = new SealedStreams(kek, () -> {
                throw new IllegalStateException("a restore only reads the repository");
            }, new SecureRandom());
            RepositoryReader repository = new RepositoryReader(new FileStore(repositoryDir), sealing, dataDir.resolve("pg-binaries"));
            RestorePlan plan;
            try {
                plan = repository.plan(arguments.to(), arguments.target());
            } catch (OutsideWindowsException e) {
                err.println("restore: refused: " + e.getMessage());
                return FAILED;
            }
            print(plan);
            if (arguments.dryRun()) {
                out.println("dry run: nothing written");
                return OK;
            }
            long started = System.nanoTime();
            repository.restore(plan, new PrintedProgress(out));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            double seconds = Math.max(took.toMillis(), 1) / 1000.0;
            out.printf(Locale.ROOT, "restored %d bytes (%.1f MB) from the repository in %.1f s: %.1f MB/s%n", plan.bytesToRead(),
                    plan.bytesToRead() / 1e6, seconds, plan.bytesToRead() / 1e6 / seconds);
            out.println("next: start PostgreSQL on " + plan.target() + " to recover it, or switch over: stop the server, move <data-dir>/postgres"
                    + " aside, move " + plan.target() + " to <data-dir>/postgres, start the server (docs/backup/restore.md)");
            return OK;
        } catch (IOException e) {
            err.println("restore: " + e.getMessage());
            return FAILED;
        } catch (Exception e) {
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            err.println("restore: " + e.getMessage());
            return FAILED;
        }
    }

    private void print(RestorePlan plan) {
        out.println("restore plan: backup " + plan.backupId() + " (consistent at " + plan.backupAt() + ") to "
                + (plan.latest() ? "the latest point, " + plan.to() : plan.to()) + " into " + plan.target());
        out.printf(Locale.ROOT, "  WAL %s .. %s; %.1f MB to read%n", plan.walFrom(), plan.walTo(), plan.bytesToRead() / 1e6);
        for (int i = 0; i < plan.steps().size(); i++) {
            out.println("  " + (i + 1) + ". " + plan.steps().get(i));
        }
        for (String warning : plan.warnings()) {
            out.println("  warning: " + warning);
        }
    }

    static Arguments parse(List<String> args) {
        Optional<Instant> to = null;
        Path target = null;
        Path config = null;
        Path dataDir = null;
        Path repository = null;
        boolean dryRun = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--dry-run" -> dryRun = true;
                case "--to" -> to = time(value(args, ++i, arg));
                case "--target" -> target = Path.of(value(args, ++i, arg));
                case "--config" -> config = Path.of(value(args, ++i, arg));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, arg));
                case "--repository" -> repository = Path.of(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (to == null || target == null) {
            throw new IllegalArgumentException("--to and --target are required");
        }
        return new Arguments(to, target, Optional.ofNullable(config), Optional.ofNullable(dataDir), Optional.ofNullable(repository), dryRun);
    }

    private static Optional<Instant> time(String value) {
        if (value.equals("latest")) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--to " + value + " is neither latest nor an ISO-8601 time with its offset (2026-12-07T08:30:00Z)");
        }
    }

    private static String value(List<String> args, int index, String flag) {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(index);
    }

    /** Prints each phase, and the bytes read at most every 10 %. */
    private static final class PrintedProgress implements Progress {
        private final PrintStream out;
        private long lastTenth = -1;

        PrintedProgress(PrintStream out) {
            this.out = out;
        }

        @Override
        public void phase(String phase) {
            out.println("... " + phase);
        }

        @Override
        public void bytes(long done, long total) {
            long tenth = total > 0 ? done * 10 / total : -1;
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.printf(Locale.ROOT, "    %.1f of %.1f MB%n", done / 1e6, total / 1e6);
            }
        }
    }
}

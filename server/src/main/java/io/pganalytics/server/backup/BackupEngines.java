package io.pganalytics.server.backup;

import java.util.Optional;

/** Picks and builds the engine the configuration asks for. */
public final class BackupEngines {
    private BackupEngines() {
    }

    /** The engine {@code backup.engine} names; {@code auto}: embedded with the embedded database, else pgBackRest. */
    public static BackupConfig.Engine choose(BackupConfig config, boolean embeddedDatabase) {
        return switch (config.engine()) {
            case AUTO -> embeddedDatabase ? BackupConfig.Engine.EMBEDDED : BackupConfig.Engine.PGBACKREST;
            case EMBEDDED -> {
                if (!embeddedDatabase) {
                    throw new io.pganalytics.server.config.ConfigException("backup.engine",
                            "'embedded' backs up the embedded database only; with database.url set, use 'pgbackrest' (docs/backup/pgbackrest.md)");
                }
                yield BackupConfig.Engine.EMBEDDED;
            }
            case PGBACKREST -> BackupConfig.Engine.PGBACKREST;
        };
    }

    /**
     * Builds the engine for this node; empty when backups are disabled, or pgBackRest is chosen and not configured.
     */
    public static Optional<BackupEngine> create(BackupContext context) {
        if (!context.config().enabled()) {
            return Optional.empty();
        }
        return switch (choose(context.config(), context.embedded().isPresent())) {
            case EMBEDDED -> Optional.of(new io.pganalytics.server.backup.embedded.EmbeddedEngine(context));
            // with neither the database's data directory nor its host, pgBackRest has nothing to back up: no engine, and the
            // status says what to configure (BackupFeature)
            case PGBACKREST -> context.config().pgbackrest().pgPath().isEmpty() && context.config().pgbackrest().pgHost().isEmpty()
                    ? Optional.empty()
                    : Optional.of(new io.pganalytics.server.backup.pgbackrest.PgBackRestEngine(context));
            case AUTO -> throw new IllegalStateException("choose() resolves auto");
        };
    }
}

package io.pganalytics.server.backup;

import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.db.EmbeddedDatabase;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What an engine is built from.
 *
 * @param config      the {@code backup} node
 * @param dataSource  the product's database (the catalogue lives there)
 * @param embedded    the embedded PostgreSQL; empty with an external database
 * @param catalog     the catalogue
 * @param sealing     the encrypted object format, under the key-encryption keys
 * @param sealer      the key service, for secrets kept in the database (pgBackRest's repository passphrase)
 * @param dataDir     the server's data directory
 * @param nodeName    this node
 * @param environment the process environment (credentials named by the configuration)
 */
public record BackupContext(BackupConfig config, DataSource dataSource, Optional<EmbeddedDatabase> embedded, BackupCatalog catalog,
                            SealedStreams sealing, Sealer sealer, Path dataDir, String nodeName, Clock clock,
                            Map<String, String> environment) {
}

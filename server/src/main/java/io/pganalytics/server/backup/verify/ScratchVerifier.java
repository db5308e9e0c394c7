package io.pganalytics.server.backup.verify;

import io.pganalytics.common.backup.VerificationView.Check;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.backup.restore.RestoreTarget;
import io.pganalytics.server.db.Postmaster;
import io.pganalytics.server.files.OwnerOnly;
import io.pganalytics.server.series.SeriesSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Starts a restored data directory with the given PostgreSQL binaries, waits for its recovery to end, checks it, stops
 * it and deletes it (always). Nobody else can reach the copy: a role of its own
 * with a random password is then created in single-user mode, and the checks connect to 127.0.0.1 on a free port with
 * that password, the only entry of its {@code pg_hba.conf} (during recovery that file refuses everyone). Archiving is off, so the copy never archives into the live
 * repository. Every query runs under a statement timeout; the whole run is bounded by {@code timeout}.
 * <p>
 * Checks, in order (names as in {@link Check}): {@code recovery}, {@code metadata}, {@code newest-sample},
 * {@code row-counts}, {@code amcheck}. A check that cannot run because an earlier one failed is not listed.
 */
public final class ScratchVerifier {
    /** The role the checks log in as, created in the scratch copy only. */
    static final String ROLE = "pganalytics_verify";
    /** The product's metadata tables a verification reads (db-migrations/.../dbmigration). */
    static final List<String> METADATA_TABLES = List.of("pga_migration", "auth_user", "collector", "monitored_instance", "backup");
    static final int MAX_INDEXES = 500;
    static final Duration AMCHECK_BUDGET = Duration.ofMinutes(10);
    static final Duration STATEMENT_TIMEOUT = Duration.ofMinutes(2);
    static final Duration COUNT_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ScratchVerifier.class);

    private final Path postgresBin;
    private final Duration timeout;
    private final Map<String, String> environment;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param postgresBin the {@code bin/} directory of the PostgreSQL binaries to start the copy with
     * @param timeout     the longest the start, recovery and checks may take together
     */
    public ScratchVerifier(Path postgresBin, Duration timeout) {
        this(postgresBin, timeout, Map.of());
    }

    /** @param environment what the copy's PostgreSQL needs in its environment to fetch WAL ({@link io.pganalytics.server.backup.BackupEngine#recoveryEnvironment()}) */
    public ScratchVerifier(Path postgresBin, Duration timeout, Map<String, String> environment) {
        this.postgresBin = postgresBin;
        this.timeout = timeout;
        this.environment = Map.copyOf(environment);
    }

    /** Starts, checks, stops and deletes {@code dataDir}; the checks say what failed, naming the table or index. */
    public List<Check> verify(Path dataDir) {
        Path data = dataDir.toAbsolutePath().normalize();
        Path log = data.resolveSibling(data.getFileName() + ".log");
        Path hba = data.resolveSibling(data.getFileName() + ".hba.conf");
        Postmaster postmaster = new Postmaster(postgresBin.getParent(), data, log, environment);
        Instant deadline = Instant.now().plus(timeout);
        List<Check> checks = new ArrayList<>();
        try {
            OwnerOnly.restrictTree(data);
            int port = freePort();
            // during recovery every connection is refused (PostgreSQL needs a listener; hot_standby is off too)
            OwnerOnly.writeString(hba, "host all all 127.0.0.1/32 reject\n");
            Instant started = Instant.now();
            try {
                postmaster.start(port, settings(hba), remaining(deadline));
            } catch (IOException e) {
                checks.add(new Check("recovery", false, "the restored copy did not recover and start: " + e.getMessage()));
                return checks;
            }
            Optional<String> notRecovered = awaitRecovery(postmaster, data, log, deadline);
            Duration recovery = Duration.between(started, Instant.now());
            if (notRecovered.isPresent()) {
                checks.add(new Check("recovery", false, notRecovered.get()));
                return checks;
            }
            postmaster.stop("fast", Duration.ofMinutes(1));
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(24));
            postmaster.singleUser("CREATE ROLE " + ROLE + " LOGIN SUPERUSER PASSWORD '" + password + "'");
            OwnerOnly.writeString(hba, "# the scratch copy of a backup verification: its own role, from this host only\n"
                    + "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\n");
            postmaster.start(port, settings(hba), remaining(deadline));
            try (Connection c = connect(port, "postgres", password)) {
                checks.add(new Check("recovery", true, "recovered and promoted in " + recovery.toSeconds() + " s, on timeline "
                        + single(c, "SELECT timeline_id FROM pg_control_checkpoint()")));
            }
            String database = productDatabase(port, password);
            if (database == null) {
                checks.add(new Check("metadata", false, "no database of the copy holds the product's tables (pga_migration)"));
                return checks;
            }
            try (Connection c = connect(port, database, password)) {
                runChecks(c, checks, deadline);
            }
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warn("backup verification: {}", e.getMessage());
            String at = checks.isEmpty() ? "recovery" : next(checks);
            checks.add(new Check(at, false, e.getMessage()));
        } finally {
            stop(postmaster);
            try {
                RestoreTarget.deleteTree(data, false);
                Files.deleteIfExists(log);
                Files.deleteIfExists(hba);
            } catch (IOException e) {
                LOG.warn("backup verification: the scratch copy {} could not be deleted: {}", data, e.getMessage());
            }
        }
        return checks;
    }

    /**
     * Waits until recovery has ended and the copy accepts connections ({@code postmaster.pid} says {@code ready}):
     * {@code pg_ctl -w} returns as soon as recovery starts when hot standby is off. Empty when it has; else why not.
     */
    private static Optional<String> awaitRecovery(Postmaster postmaster, Path data, Path log, Instant deadline) {
        while (true) {
            if (postmaster.running().isEmpty()) {
                return Optional.of("the restored copy stopped during recovery: " + tail(log));
            }
            if (!Files.exists(data.resolve("recovery.signal")) && "ready".equals(pidStatus(data))) {
                return Optional.empty();
            }
            if (Instant.now().isAfter(deadline)) {
                return Optional.of("recovery did not end within the verification's timeout: " + tail(log));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted during recovery");
            }
        }
    }

    /** Line 8 of {@code postmaster.pid}: {@code starting}, {@code standby}, {@code ready} or {@code stopping}. */
    private static String pidStatus(Path data) {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            return lines.size() >= 8 ? lines.get(7).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The end of the copy's log, where PostgreSQL says why it stopped. */
    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 2000)).strip();
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private void runChecks(Connection c, List<Check> checks, Instant deadline) throws SQLException {
        checks.add(metadata(c));
        if (!checks.getLast().passed()) {
            return;
        }
        checks.add(newestSamples(c));
        checks.add(rowCounts(c));
        checks.add(amcheck(c, deadline));
    }

    static Check metadata(Connection c) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : METADATA_TABLES) {
            try {
                counts.put(table, Long.parseLong(single(c, "SELECT count(*) FROM " + table)));
            } catch (SQLException e) {
                return new Check("metadata", false, "table " + table + " is not readable: " + e.getMessage());
            }
        }
        StringBuilder detail = new StringBuilder();
        counts.forEach((table, count) -> detail.append(detail.isEmpty() ? "" : ", ").append(table).append(' ').append(count));
        return new Check("metadata", true, detail.toString());
    }

    static Check newestSamples(Connection c) {
        StringBuilder detail = new StringBuilder();
        Instant newest = null;
        int empty = 0;
        for (Family family : families()) {
            String table = SeriesSchema.Resolution.RAW.table(family);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT max(collected_at) FROM " + table)) {
                rs.next();
                java.time.OffsetDateTime max = rs.getObject(1, java.time.OffsetDateTime.class);
                if (max == null) {
                    empty++;
                } else {
                    Instant at = max.toInstant();
                    detail.append(detail.isEmpty() ? "" : ", ").append(family.name()).append(' ').append(at);
                    newest = newest == null || at.isAfter(newest) ? at : newest;
                }
            } catch (SQLException | RuntimeException e) {
                return new Check("newest-sample", false, "table " + table + " is not readable: " + e.getMessage());
            }
        }
        String summary = newest == null ? "no samples in any family" : "newest sample " + newest;
        return new Check("newest-sample", true, summary + (empty > 0 ? " (" + empty + " families empty)" : "")
                + (detail.isEmpty() ? "" : ": " + detail));
    }

    static Check rowCounts(Connection c) throws SQLException {
        StringBuilder detail = new StringBuilder();
        long total = 0;
        for (Family family : families()) {
            String table = SeriesSchema.Resolution.RAW.table(family);
            long rows;
            String mark = "";
            try (Statement st = c.createStatement()) {
                st.execute("SET statement_timeout = " + COUNT_TIMEOUT.toMillis());
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    rows = rs.getLong(1);
                }
            } catch (SQLException e) {
                if (!"57014".equals(e.getSQLState())) {  // not a statement timeout: the table does not read
                    return new Check("row-counts", false, "table " + table + " is not readable: " + e.getMessage());
                }
                rows = estimate(c, family.name());
                mark = "~";
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("SET statement_timeout = " + STATEMENT_TIMEOUT.toMillis());
                }
            }
            total += rows;
            if (rows > 0) {
                detail.append(detail.isEmpty() ? "" : ", ").append(family.name()).append(' ').append(mark).append(rows);
            }
        }
        return new Check("row-counts", true, total + " rows" + (detail.isEmpty() ? "" : ": " + detail)
                + (detail.indexOf("~") >= 0 ? " (~: estimated, the exact count took over " + COUNT_TIMEOUT.toSeconds() + " s)" : ""));
    }

    /** The families with a time-series table of their own (statement texts are kept apart, by query id). */
    static List<Family> families() {
        return MetricCatalog.ALL.stream().filter(f -> f != MetricCatalog.STATEMENT_TEXTS).toList();
    }

    /** The planner's row estimate of a partitioned table: the sum over its partitions. */
    private static long estimate(Connection c, String family) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                SELECT coalesce(sum(greatest(p.reltuples, 0)), 0)::bigint FROM pg_class p
                WHERE p.relnamespace = 'ts'::regnamespace AND (p.relname = ? OR p.oid IN (
                    SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass('ts.' || ?)))""")) {
            st.setString(1, family);
            st.setString(2, family);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** {@code bt_index_check} on the product's B-tree indexes, smallest first, bounded in count and time. */
    static Check amcheck(Connection c, Instant deadline) {
        List<String[]> indexes = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
            try (ResultSet rs = st.executeQuery("""
                    SELECT i.oid, n.nspname || '.' || i.relname FROM pg_class i
                    JOIN pg_namespace n ON n.oid = i.relnamespace JOIN pg_am a ON a.oid = i.relam
                    WHERE i.relkind = 'i' AND a.amname = 'btree' AND n.nspname IN ('public', 'ts')
                    ORDER BY pg_relation_size(i.oid), i.oid LIMIT\s""" + (MAX_INDEXES + 1))) {
                while (rs.next()) {
                    indexes.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
        } catch (SQLException e) {
            return new Check("amcheck", false, "amcheck is not available in the copy: " + e.getMessage());
        }
        Instant budget = min(deadline, Instant.now().plus(AMCHECK_BUDGET));
        int checked = 0;
        for (String[] index : indexes.subList(0, Math.min(indexes.size(), MAX_INDEXES))) {
            if (Instant.now().isAfter(budget)) {
                break;
            }
            try (PreparedStatement st = c.prepareStatement("SELECT bt_index_check(?::oid)")) {
                st.setLong(1, Long.parseLong(index[0]));
                st.execute();
                checked++;
            } catch (SQLException e) {
                return new Check("amcheck", false, "index " + index[1] + " is corrupted: " + e.getMessage());
            }
        }
        boolean all = checked == indexes.size();
        return new Check("amcheck", true, "bt_index_check passed on " + checked + (all ? "" : " (the smallest; bounded)")
                + " B-tree indexes");
    }

    private String productDatabase(int port, String password) throws SQLException {
        List<String> databases = new ArrayList<>();
        try (Connection c = connect(port, "postgres", password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname LIMIT 50")) {
            while (rs.next()) {
                databases.add(rs.getString(1));
            }
        }
        databases.remove("pganalytics");
        databases.addFirst("pganalytics");
        for (String database : databases) {
            try (Connection c = connect(port, database, password)) {
                if (single(c, "SELECT to_regclass('pga_migration')") != null) {
                    return database;
                }
            } catch (SQLException e) {
                // no such database (pganalytics first is a guess) or not ours
            }
        }
        return null;
    }

    private static Connection connect(int port, String database, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", ROLE);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "pganalytics-backup-verification");
        properties.setProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT.toMillis() + " -c default_transaction_read_only=off");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, properties);
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private Map<String, String> settings(Path hba) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("unix_socket_directories", "");
        settings.put("hba_file", hba.toString());
        settings.put("archive_mode", "off");
        settings.put("hot_standby", "off");  // no connection before recovery has ended and the copy promoted
        settings.put("logging_collector", "off");
        settings.put("shared_preload_libraries", "");
        settings.put("max_connections", "20");
        settings.put("shared_buffers", "128MB");
        settings.put("fsync", "off");  // a copy thrown away after the checks
        return settings;
    }

    private static void stop(Postmaster postmaster) {
        if (postmaster.running().isEmpty()) {
            return;
        }
        if (!postmaster.stop("fast", Duration.ofMinutes(1))) {
            postmaster.running().ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static String next(List<Check> checks) {
        List<String> order = List.of("recovery", "metadata", "newest-sample", "row-counts", "amcheck");
        int index = order.indexOf(checks.getLast().name());
        return index >= 0 && index + 1 < order.size() ? order.get(index + 1) : checks.getLast().name();
    }

    private byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

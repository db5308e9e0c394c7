package io.pganalytics.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Records this node in the {@code server_node} table: when it started, that it is alive (every 30 s), and when it
 * stopped, so that operators can see which nodes served a deployment and when.
 */
public final class NodeRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final String nodeName;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    public NodeRegistry(DataSource dataSource, String nodeName, String hostName, String version, Clock clock) {
        this.dataSource = dataSource;
        this.nodeName = nodeName;
        this.clock = clock;
        execute("""
                INSERT INTO server_node (node_id, host_name, version, started_at, last_seen_at, stopped_at)
                VALUES (?, ?, ?, ?, ?, NULL)
                ON CONFLICT (node_id) DO UPDATE SET host_name = EXCLUDED.host_name, version = EXCLUDED.version,
                    started_at = EXCLUDED.started_at, last_seen_at = EXCLUDED.last_seen_at, stopped_at = NULL""",
                nodeName, hostName, version, now(), now());
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("node-heartbeat").factory());
        timer.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
    }

    private void heartbeat() {
        try {
            execute("UPDATE server_node SET last_seen_at = ? WHERE node_id = ?", now(), nodeName);
        } catch (RuntimeException e) {
            LOG.warn("node {}: heartbeat not recorded: {}", nodeName, e.getMessage());
        }
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private void execute(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("node " + nodeName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            execute("UPDATE server_node SET stopped_at = ?, last_seen_at = ? WHERE node_id = ?", now(), now(), nodeName);
        } catch (RuntimeException e) {
            LOG.warn("node {}: stop not recorded: {}", nodeName, e.getMessage());
        }
    }
}

package io.pganalytics.server.alerting.pack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.units.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The default rule pack (docs/ALERTING.md, "The default pack"): the rules of {@value #RESOURCE}, installed at start by
 * their pack key. Each rule is installed <em>once</em>: the pack's version installed so far is kept in
 * {@code alert_pack_state} (row {@value #PACK}), and only rules whose {@code since} is newer are inserted. So an operator's edit of a
 * pack rule is never overwritten, a pack rule the operator deleted does not come back at the next start, and a rule
 * that a later version of the pack adds is installed once on upgrade. A rule whose name an operator's rule already
 * has is skipped (their rule stands). Nodes starting together install under one advisory lock.
 */
public final class DefaultPack {
    static final String RESOURCE = "/io/pganalytics/server/alerting/pack/default-pack.json";
    /** The pack's row in {@code alert_pack_state}. */
    static final String PACK = "default";
    /** Who the pack's rules are created and updated by. */
    static final String INSTALLER = "default-pack";
    private static final Logger LOG = LoggerFactory.getLogger(DefaultPack.class);

    /** A rule of the pack and the pack version that added it. */
    record PackRule(int since, AlertRule rule) {
    }

    private final int version;
    private final List<PackRule> rules;
    private final ObjectMapper json = JsonMapping.newMapper();

    private DefaultPack(int version, List<PackRule> rules) {
        this.version = version;
        this.rules = List.copyOf(rules);
    }

    /** The pack shipped in the server's jar. */
    public static DefaultPack load() {
        try (InputStream in = DefaultPack.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default rule pack " + RESOURCE + " is missing from the class path");
            }
            return parse(JsonMapping.newMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("the default rule pack " + RESOURCE + " is unreadable: " + e.getMessage(), e);
        }
    }

    static DefaultPack parse(JsonNode root) throws JsonProcessingException {
        ObjectMapper mapper = JsonMapping.newMapper();
        int version = root.path("version").asInt(0);
        List<PackRule> rules = new ArrayList<>();
        for (JsonNode node : root.path("rules")) {
            ObjectNode copy = ((ObjectNode) node).deepCopy();
            int since = copy.path("since").asInt(0);
            copy.remove("since");
            AlertRule rule = mapper.treeToValue(copy, AlertRule.class);
            if (since < 1 || since > version || rule.packKey() == null) {
                throw new IllegalStateException("default rule pack: rule " + rule.name() + " needs a pack key and a since of 1.."
                        + version + ", has " + rule.packKey() + " and " + since);
            }
            rules.add(new PackRule(since, rule));
        }
        return new DefaultPack(version, rules);
    }

    int version() {
        return version;
    }

    List<PackRule> rules() {
        return rules;
    }

    /** Installs the rules newer than the version installed so far; returns how many were inserted. */
    public int install(DataSource dataSource, Clock clock) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                int inserted = install(c, clock.instant());
                c.commit();
                return inserted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private int install(Connection c, Instant now) throws SQLException {
        int installed = lockedInstalledVersion(c);
        if (installed >= version) {
            return 0;
        }
        int inserted = 0;
        List<String> skipped = new ArrayList<>();
        for (PackRule packRule : rules) {
            if (packRule.since() <= installed) {
                continue;
            }
            if (insert(c, packRule.rule(), now)) {
                inserted++;
            } else {
                skipped.add(packRule.rule().name());
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO alert_pack_state (pack, installed_version, installed_at) VALUES (?, ?, ?)
                ON CONFLICT (pack) DO UPDATE SET installed_version = excluded.installed_version, installed_at = excluded.installed_at""")) {
            ps.setString(1, PACK);
            ps.setInt(2, version);
            ps.setTimestamp(3, java.sql.Timestamp.from(now));
            ps.executeUpdate();
        }
        LOG.info("default rule pack: version {} installed over version {}: {} rules added{}", version, installed, inserted,
                skipped.isEmpty() ? "" : ", skipped (a rule of that name or pack key exists): " + skipped);
        return inserted;
    }

    /** The version installed so far (0: none), under a transaction lock that nodes starting together queue on. */
    private static int lockedInstalledVersion(Connection c) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('alert_pack_state:' || ?))")) {
            lock.setString(1, PACK);
            lock.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT installed_version FROM alert_pack_state WHERE pack = ?")) {
            ps.setString(1, PACK);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private boolean insert(Connection c, AlertRule rule, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO alert_rule (name, description, pack_key, enabled, severity, condition, for_seconds, scope, labels, summary,
                                        escalation, created_by, created_at, updated_by, updated_at)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""")) {
            OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            ps.setString(1, rule.name());
            ps.setString(2, rule.description());
            ps.setString(3, rule.packKey());
            ps.setBoolean(4, rule.enabled());
            ps.setString(5, rule.severity());
            ps.setString(6, json.writeValueAsString(rule.condition()));
            ps.setInt(7, Math.toIntExact(rule.forDuration() == null ? 0 : Durations.parse(rule.forDuration()).toSeconds()));
            // the scope's two fields only (RuleScope.isAll() would be written as a property the reader rejects)
            ps.setString(8, json.writeValueAsString(Map.of("instances", rule.scope().instances(), "labels", rule.scope().labels())));
            ps.setString(9, json.writeValueAsString(rule.labels()));
            ps.setString(10, rule.summary());
            ps.setString(11, rule.escalation() == null ? null : json.writeValueAsString(rule.escalation()));
            ps.setString(12, INSTALLER);
            ps.setObject(13, at);
            ps.setString(14, INSTALLER);
            ps.setObject(15, at);
            return ps.executeUpdate() == 1;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("default rule pack: rule " + rule.name() + " cannot be written as JSON", e);
        }
    }
}

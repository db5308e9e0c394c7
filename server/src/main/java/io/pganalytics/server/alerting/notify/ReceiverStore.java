package io.pganalytics.server.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.alerting.Receiver;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.crypto.SealedColumn;
import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.http.ApiException;

import javax.sql.DataSource;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Receivers in {@code alert_receiver}: checked whole before anything is written; secrets sealed by the key service
 * (the row's id is the seal's record key) and write-only (answers name them in {@code secretsSet}; a replace without a
 * secret keeps it, {@code ""} removes it); every change audited with the secrets masked, in the change's transaction.
 */
final class ReceiverStore {
    static final SealedColumn SECRETS = new SealedColumn("alert_receiver", "secrets_sealed", "id::text",
            "alert receivers' secrets (SMTP passwords, webhook HMAC keys, Slack and Teams webhook URLs, PagerDuty routing keys)");
    static final int MAX_RECEIVERS = 500;
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, name, kind, settings::text, secrets_sealed, updated_at, version";

    private final DataSource dataSource;
    private final Sealer sealer;
    private final ObjectMapper mapper;
    private final Clock clock;

    ReceiverStore(DataSource dataSource, Sealer sealer, ObjectMapper mapper, Clock clock) {
        this.dataSource = dataSource;
        this.sealer = sealer;
        this.mapper = mapper;
        this.clock = clock;
    }

    private record Row(long id, String name, String kind, Map<String, String> settings, byte[] sealed, Instant updatedAt, long version) {
    }

    List<Receiver> list() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM alert_receiver ORDER BY lower(name) LIMIT " + MAX_RECEIVERS)) {
            List<Receiver> receivers = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    receivers.add(view(row(r)));
                }
            }
            return receivers;
        } catch (SQLException e) {
            throw new IllegalStateException("receivers: reading the list failed", e);
        }
    }

    Receiver get(long id) {
        return view(find(id));
    }

    /** The receiver with its secrets opened, for delivery; empty when it was deleted. */
    Optional<ReceiverTarget> target(long id) {
        try (Connection c = dataSource.getConnection()) {
            return read(c, id).map(row -> new ReceiverTarget(row.id(), row.name(), row.kind(), row.settings(), secrets(row)));
        } catch (SQLException e) {
            throw new IllegalStateException("receiver " + id + ": reading failed", e);
        }
    }

    /** Refuses a creation that would fail (before it is confirmed or written). */
    void checkCreate(Receiver request) {
        List<ErrorDetail> problems = new ArrayList<>(ReceiverChecks.name(request.name()));
        problems.addAll(ReceiverChecks.kind(request.kind()));
        if (problems.isEmpty()) {
            problems.addAll(ReceiverChecks.problems(request.kind(), request.settings(), withoutEmpty(request.secrets())));
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
    }

    Receiver create(Receiver request, AuditEvent.Actor actor, AuditLog audit) {
        checkCreate(request);
        Instant now = now();
        Map<String, String> secrets = withoutEmpty(request.secrets());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                refuseDuplicate(c, request.name(), null);
                long count = count(c);
                if (count >= MAX_RECEIVERS) {
                    throw ApiException.conflict("there are already " + count + " receivers, the most this server keeps");
                }
                long id;
                try (PreparedStatement s = c.prepareStatement("INSERT INTO alert_receiver (name, kind, settings, created_by, created_at, updated_at) "
                        + "VALUES (?, ?, ?::jsonb, ?, ?, ?) RETURNING id")) {
                    s.setString(1, request.name());
                    s.setString(2, request.kind());
                    s.setString(3, json(request.settings()));
                    s.setString(4, actorName(actor));
                    s.setTimestamp(5, Timestamp.from(now));
                    s.setTimestamp(6, Timestamp.from(now));
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        id = r.getLong(1);
                    }
                }
                writeSecrets(c, id, secrets);
                Row row = read(c, id).orElseThrow();
                audit.append(c, AuditEvent.change("receiver.create", "receiver", Long.toString(id)).actor(actor)
                        .change(null, state(row, secrets)).detail("secretsChanged", new TreeSet<>(secrets.keySet())));
                c.commit();
                return view(row);
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed("creating receiver '" + request.name() + "'", e);
        }
    }

    /** Refuses a replacement that would fail. */
    void checkUpdate(long id, Receiver request) {
        Row row = find(id);
        merged(row, request);
    }

    private Map<String, String> merged(Row row, Receiver request) {
        List<ErrorDetail> problems = new ArrayList<>(ReceiverChecks.name(request.name()));
        if (request.kind() != null && !request.kind().equals(row.kind())) {
            problems.add(new ErrorDetail("kind", "cannot change from '" + row.kind() + "': create a new receiver"));
        }
        Map<String, String> secrets = new HashMap<>(secrets(row));
        request.secrets().forEach((key, value) -> {
            if (value == null || value.isEmpty()) {
                secrets.remove(key);
            } else {
                secrets.put(key, value);
            }
        });
        if (problems.isEmpty()) {
            problems.addAll(ReceiverChecks.problems(row.kind(), request.settings(), secrets));
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return secrets;
    }

    Receiver update(long id, Receiver request, AuditEvent.Actor actor, AuditLog audit) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Row before = read(c, id, true).orElseThrow(() -> notFound(id));
                if (request.version() != 0 && request.version() != before.version()) {
                    throw ApiException.conflict("receiver " + id + " changed meanwhile (version " + before.version()
                            + ", not " + request.version() + "): read it again");
                }
                Map<String, String> secretsBefore = secrets(before);
                Map<String, String> secrets = merged(before, request);
                refuseDuplicate(c, request.name(), id);
                try (PreparedStatement s = c.prepareStatement("UPDATE alert_receiver SET name = ?, settings = ?::jsonb, updated_at = ?, "
                        + "version = version + 1 WHERE id = ?")) {
                    s.setString(1, request.name());
                    s.setString(2, json(request.settings()));
                    s.setTimestamp(3, Timestamp.from(now()));
                    s.setLong(4, id);
                    s.executeUpdate();
                }
                writeSecrets(c, id, secrets);
                Row after = read(c, id).orElseThrow();
                audit.append(c, AuditEvent.change("receiver.update", "receiver", Long.toString(id)).actor(actor)
                        .change(state(before, secretsBefore), state(after, secrets)).detail("secretsChanged", changedKeys(secretsBefore, secrets)));
                c.commit();
                return view(after);
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed("replacing receiver " + id, e);
        }
    }

    /** Refuses a deletion that would fail: a route or escalation policy still sends to the receiver. */
    void checkDelete(long id) {
        find(id);
        try (Connection c = dataSource.getConnection()) {
            refuseInUse(c, id);
        } catch (SQLException e) {
            throw failed("checking receiver " + id, e);
        }
    }

    void delete(long id, AuditEvent.Actor actor, AuditLog audit) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Row before = read(c, id, true).orElseThrow(() -> notFound(id));
                refuseInUse(c, id);
                try (PreparedStatement s = c.prepareStatement("DELETE FROM alert_receiver WHERE id = ?")) {
                    s.setLong(1, id);
                    s.executeUpdate();
                }
                audit.append(c, AuditEvent.change("receiver.delete", "receiver", Long.toString(id)).actor(actor)
                        .change(state(before, secrets(before)), null));
                c.commit();
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed("deleting receiver " + id, e);
        }
    }

    private void refuseInUse(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT (SELECT count(*) FROM alert_route WHERE receiver_id = ?), "
                + "(SELECT count(*) FROM escalation_policy WHERE email_receiver_id = ? "
                + "OR jsonb_path_exists(levels, '$[*].targets[*] ? (@.receiver == $id)', jsonb_build_object('id', ?::bigint)))")) {
            s.setLong(1, id);
            s.setLong(2, id);
            s.setLong(3, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getLong(1) > 0 || r.getLong(2) > 0) {
                    throw ApiException.conflict("receiver " + id + " is used by " + r.getLong(1) + " route(s) and " + r.getLong(2)
                            + " escalation polic(ies): change them first");
                }
            }
        }
    }

    private void refuseDuplicate(Connection c, String name, Long except) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM alert_receiver WHERE lower(name) = lower(?)")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                if (r.next() && (except == null || r.getLong(1) != except)) {
                    throw ApiException.conflict("a receiver named '" + name + "' already exists");
                }
            }
        }
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM alert_receiver"); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private void writeSecrets(Connection c, long id, Map<String, String> secrets) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE alert_receiver SET secrets_sealed = ? WHERE id = ?")) {
            s.setBytes(1, secrets.isEmpty() ? null : sealer.sealText(SECRETS.context(Long.toString(id)), json(new TreeMap<>(secrets))));
            s.setLong(2, id);
            s.executeUpdate();
        }
    }

    private Map<String, String> secrets(Row row) {
        if (row.sealed() == null) {
            return Map.of();
        }
        try {
            return mapper.readValue(sealer.openText(SECRETS.context(Long.toString(row.id())), row.sealed()), STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("receiver " + row.id() + ": its sealed secrets are not a JSON object");
        }
    }

    private Row find(long id) {
        try (Connection c = dataSource.getConnection()) {
            return read(c, id).orElseThrow(() -> notFound(id));
        } catch (SQLException e) {
            throw failed("reading receiver " + id, e);
        }
    }

    private Optional<Row> read(Connection c, long id) throws SQLException {
        return read(c, id, false);
    }

    private Optional<Row> read(Connection c, long id, boolean lock) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM alert_receiver WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    private Row row(ResultSet r) throws SQLException {
        try {
            return new Row(r.getLong(1), r.getString(2), r.getString(3), mapper.readValue(r.getString(4), STRINGS), r.getBytes(5),
                    r.getTimestamp(6).toInstant(), r.getLong(7));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("receiver " + r.getLong(1) + ": its settings are not a JSON object of texts");
        }
    }

    private Receiver view(Row row) {
        List<String> set = row.sealed() == null ? List.of() : new ArrayList<>(new TreeSet<>(secrets(row).keySet()));
        return new Receiver(row.id(), row.name(), row.kind(), row.settings(), null, set, row.updatedAt(), row.version());
    }

    /** A receiver as an audit record holds it: secrets {@link AuditEvent#MASKED}. */
    private static Map<String, Object> state(Row row, Map<String, String> secrets) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("name", row.name());
        state.put("kind", row.kind());
        state.put("settings", new TreeMap<>(row.settings()));
        Map<String, String> masked = new TreeMap<>();
        secrets.keySet().forEach(key -> masked.put(key, AuditEvent.MASKED));
        state.put("secrets", masked);
        return state;
    }

    private static TreeSet<String> changedKeys(Map<String, String> before, Map<String, String> after) {
        TreeSet<String> changed = new TreeSet<>();
        before.forEach((key, value) -> {
            if (!Objects.equals(value, after.get(key))) {
                changed.add(key);
            }
        });
        after.keySet().stream().filter(key -> !before.containsKey(key)).forEach(changed::add);
        return changed;
    }

    private static Map<String, String> withoutEmpty(Map<String, String> secrets) {
        Map<String, String> kept = new HashMap<>();
        secrets.forEach((key, value) -> {
            if (value != null && !value.isEmpty()) {
                kept.put(key, value);
            }
        });
        return kept;
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String actorName(AuditEvent.Actor actor) {
        String name = actor.name() != null ? actor.name() : actor.id() != null ? actor.id() : actor.kind();
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static ApiException notFound(long id) {
        return ApiException.notFound("no receiver " + id);
    }

    private static IllegalStateException failed(String what, SQLException e) {
        return new IllegalStateException("receivers: " + what + " failed", e);
    }
}

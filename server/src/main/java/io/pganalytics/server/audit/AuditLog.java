package io.pganalytics.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one writer of {@code audit.record}: gives each record its seq and chain hash under the chain's lock.
 * <ul>
 *   <li>{@link #append(Connection, AuditEvent)} writes in the caller's transaction: the record commits or rolls back
 *       with the change it describes. Every data change is recorded this way. Call it last, just before the commit:
 *       the chain's lock is held from there to the end of the transaction, and every other audited write waits.</li>
 *   <li>{@link #submit(AuditEvent)} queues a record that this node's writer appends within
 *       {@code audit.flush-interval}, many per transaction: API calls, sign-ins, ingest counts. A crash loses at most
 *       what was queued in that window. A full queue makes the caller wait up to {@code audit.queue-wait}; what still
 *       does not fit is counted, and the count itself is recorded ({@code audit.lost}), so that a gap is never silent.</li>
 * </ul>
 * One sequencer for the whole cluster (the database's transaction-scoped advisory lock) keeps a single chain however
 * many nodes write: verification needs no merge rules, and the cost is one short lock per transaction, taken by the
 * writers' batches rather than per API call.
 */
public final class AuditLog implements AutoCloseable {
    /** The chain's lock: "pga_audt". */
    static final long CHAIN_LOCK = 0x7067615f61756474L;
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final String INSERT = "INSERT INTO audit.record (seq, at, node, category, action, outcome, actor_kind, actor_id,"
            + " actor_roles, resource_type, resource_id, status, error_type, duration_us, details, actor_personal, subject_id,"
            + " subject_personal, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final AuditConfig config;
    private final DataSource dataSource;
    private final PersonKeys personKeys;
    private final String node;
    private final Clock clock;
    private final ObjectMapper json;
    private final BlockingQueue<Pending> queue;
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final MetricsRegistry.Counter records;
    private final MetricsRegistry.Counter lostCounter;
    private final Thread writer;
    private volatile boolean closing;

    /** A queued event, or a marker that a {@link #flush()} waits for. */
    private record Pending(AuditEvent event, Instant at, CountDownLatch flushed) {
    }

    public AuditLog(AuditConfig config, DataSource dataSource, PersonKeys personKeys, String node, Clock clock, MetricsRegistry metrics) {
        this.config = config;
        this.dataSource = dataSource;
        this.personKeys = personKeys;
        this.node = node;
        this.clock = clock;
        this.json = JsonMapping.newMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.records = metrics.counter("pganalytics_audit_records_total", "audit records written by this node", "mode");
        this.lostCounter = metrics.counter("pganalytics_audit_lost_total", "asynchronous audit records that found the queue full");
        metrics.gauge("pganalytics_audit_queue_depth", "audit records waiting to be written", queue::size);
        this.writer = Thread.ofPlatform().daemon().name("pga-audit-writer-" + node).unstarted(this::writeLoop);
    }

    public void start() {
        writer.start();
    }

    /**
     * Appends a record in the caller's transaction ({@code c} must not auto-commit, and should be READ COMMITTED so
     * that the head is read after the lock). Returns the record's seq.
     */
    public long append(Connection c, AuditEvent event) throws SQLException {
        Head head = lockedHead(c);
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            Head next = bind(c, insert, head, event, now());
            insert.executeUpdate();
            records.inc("transactional");
            written.incrementAndGet();
            return next.seq();
        }
    }

    /** As {@link #append(Connection, AuditEvent)} in an Ebean transaction. */
    public long append(io.ebean.Transaction transaction, AuditEvent event) {
        try {
            return append(transaction.connection(), event);
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot record " + event + ": " + e.getMessage(), e);
        }
    }

    /** Appends a record in a transaction of its own, at once: for events that must be written before answering. */
    public long appendNow(AuditEvent event) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long seq = append(c, event);
                c.commit();
                return seq;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot record " + event + ": " + e.getMessage(), e);
        }
    }

    /** Queues a record for this node's writer (see the class comment for what a crash or a full queue does). */
    public void submit(AuditEvent event) {
        Pending pending = new Pending(event, now(), null);
        if (closing) {
            appendNow(event);
            return;
        }
        try {
            if (queue.offer(pending) || queue.offer(pending, config.queueWait().toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lost.incrementAndGet();
        lostCounter.inc();
    }

    /** Waits until everything submitted before this call is written (or {@code timeout} passed); true when it was. */
    public boolean flush(Duration timeout) {
        CountDownLatch done = new CountDownLatch(1);
        try {
            if (!queue.offer(new Pending(null, null, done), timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Records written by this node since it started. */
    public long written() {
        return written.get();
    }

    public int queued() {
        return queue.size();
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        closing = true;
        writer.interrupt();
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            try {
                writeBatch(left);
            } catch (SQLException | RuntimeException e) {
                LOG.error("audit: {} queued record(s) could not be written at shutdown: {}", left.size(), e.toString());
            }
        }
    }

    /** The writer thread's root: batches the queue; a failed write keeps the batch and retries with backoff. */
    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        Duration backoff = Duration.ofMillis(100);
        while (true) {
            try {
                if (batch.isEmpty()) {
                    Pending first = queue.poll(config.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (lost.get() > 0) {
                            writeBatch(batch);
                        }
                        if (closing) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                    // gather what arrives within the interval, up to a batch
                    long deadline = System.nanoTime() + config.flushInterval().toNanos() / 4;
                    while (batch.size() < config.flushBatch()) {
                        Pending next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                        if (next == null) {
                            break;
                        }
                        batch.add(next);
                    }
                }
                writeBatch(batch);
                batch.clear();
                backoff = Duration.ofMillis(100);
            } catch (InterruptedException e) {
                if (closing) {
                    queue.addAll(batch.stream().filter(p -> p.event() != null).toList());
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("audit: writing {} record(s) failed, retrying in {}: {}", batch.size(), backoff, e.toString());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    if (closing) {
                        queue.addAll(batch.stream().filter(p -> p.event() != null).toList());
                        return;
                    }
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Appends a batch (and a notice of records lost to a full queue) in one transaction, then releases flush waiters. */
    private void writeBatch(List<Pending> batch) throws SQLException {
        long lostNow = lost.getAndSet(0);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Head head = lockedHead(c);
                int count = 0;
                try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                    if (lostNow > 0) {
                        head = bind(c, insert, head, AuditEvent.system("audit.lost").outcome(AuditEvent.Outcome.FAILURE)
                                .detail("records", lostNow)
                                .detail("reason", "the audit queue was full (audit.queue-capacity " + config.queueCapacity() + ")"), now());
                        insert.addBatch();
                        count++;
                    }
                    for (Pending pending : batch) {
                        if (pending.event() != null) {
                            head = bind(c, insert, head, pending.event(), pending.at());
                            insert.addBatch();
                            count++;
                        }
                    }
                    if (count > 0) {
                        insert.executeBatch();
                    }
                }
                c.commit();
                records.add(count, "queued");
                written.addAndGet(count);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                lost.addAndGet(lostNow);
                throw e;
            }
        }
        for (Pending pending : batch) {
            if (pending.flushed() != null) {
                pending.flushed().countDown();
            }
        }
    }

    /** The chain's newest record (or the archive's anchor, or the genesis), read under the chain's lock. */
    private static Head lockedHead(Connection c) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, CHAIN_LOCK);
            lock.execute();
        }
        try (PreparedStatement last = c.prepareStatement("SELECT seq, hash FROM audit.record ORDER BY seq DESC LIMIT 1");
             ResultSet rs = last.executeQuery()) {
            if (rs.next()) {
                return new Head(rs.getLong(1), rs.getBytes(2));
            }
        }
        try (PreparedStatement archived = c.prepareStatement("SELECT last_seq, last_hash FROM audit.archive ORDER BY last_seq DESC LIMIT 1");
             ResultSet rs = archived.executeQuery()) {
            if (rs.next()) {
                return new Head(rs.getLong(1), rs.getBytes(2));
            }
        }
        return new Head(0, AuditCanonical.GENESIS);
    }

    record Head(long seq, byte[] hash) {
    }

    /** Binds the record after {@code head} and returns it as the new head. */
    private Head bind(Connection c, PreparedStatement insert, Head head, AuditEvent event, Instant at) throws SQLException {
        long seq = head.seq() + 1;
        Instant time = at.truncatedTo(ChronoUnit.MICROS);
        AuditEvent.Actor actor = event.actor();
        String actorPersonId = actor.personId();
        byte[] actorPersonal = null;
        Map<String, Object> actorFields = new TreeMap<>();
        putIfPresent(actorFields, "name", AuditText.clean(actor.name(), AuditText.SHORT));
        putIfPresent(actorFields, "address", AuditText.clean(actor.address(), AuditText.SHORT));
        putIfPresent(actorFields, "userAgent", AuditText.clean(actor.userAgent(), AuditText.SHORT));
        if (!actorFields.isEmpty()) {
            if ("collector".equals(actor.kind())) {
                // a collector is not a person: its name and address go in the clear
                actorPersonal = null;
            } else {
                String owner = actorPersonId != null ? actorPersonId : "anonymous";
                actorPersonal = personKeys.seal(c, owner, seq, "actor_personal", bounded(actorFields));
            }
        }
        Map<String, Object> details = event.clearDetails();
        if ("collector".equals(actor.kind()) && !actorFields.isEmpty()) {
            details.put("collector", actorFields);
        }
        String detailsText = new String(bounded(details), StandardCharsets.UTF_8);
        byte[] subjectPersonal = null;
        Map<String, Object> personal = event.personal();
        if (personal != null) {
            subjectPersonal = personKeys.seal(c, event.subjectId(), seq, "subject_personal", bounded(personal));
        }
        AuditCanonical.Fields fields = new AuditCanonical.Fields(seq, micros(time), node,
                event.category().name().toLowerCase(Locale.ROOT), AuditText.clean(event.action(), AuditText.ACTION),
                event.outcome().name().toLowerCase(Locale.ROOT), actor.kind(), AuditText.clean(actor.id(), AuditText.SHORT),
                event.actorRoles(), AuditText.clean(event.resourceType(), AuditText.SHORT),
                AuditText.clean(event.resourceId(), AuditText.SHORT), event.status(), AuditText.clean(event.errorType(), AuditText.SHORT),
                event.durationMicros(), detailsText, actorPersonal, AuditText.clean(event.subjectId(), AuditText.SHORT), subjectPersonal);
        byte[] hash = AuditCanonical.hash(head.hash(), fields);
        insert.setLong(1, seq);
        insert.setTimestamp(2, Timestamp.from(time));
        insert.setString(3, fields.node());
        insert.setString(4, fields.category());
        insert.setString(5, fields.action());
        insert.setString(6, fields.outcome());
        insert.setString(7, fields.actorKind());
        insert.setString(8, fields.actorId());
        insert.setString(9, fields.actorRoles());
        insert.setString(10, fields.resourceType());
        insert.setString(11, fields.resourceId());
        if (fields.status() == null) {
            insert.setNull(12, Types.INTEGER);
        } else {
            insert.setInt(12, fields.status());
        }
        insert.setString(13, fields.errorType());
        if (fields.durationMicros() == null) {
            insert.setNull(14, Types.BIGINT);
        } else {
            insert.setLong(14, fields.durationMicros());
        }
        insert.setString(15, fields.details());
        insert.setBytes(16, fields.actorPersonal());
        insert.setString(17, fields.subjectId());
        insert.setBytes(18, fields.subjectPersonal());
        insert.setBytes(19, head.hash());
        insert.setBytes(20, hash);
        return new Head(seq, hash);
    }

    /** Microseconds since the epoch: the database's precision, and the canonical form's. */
    public static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
    }

    private Instant now() {
        return clock.instant();
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** The JSON of {@code value}; past {@link AuditText#DETAILS_BYTES}, a note of its size and SHA-256 instead. */
    private byte[] bounded(Map<String, Object> value) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit: a detail cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        if (bytes.length <= AuditText.DETAILS_BYTES) {
            return bytes;
        }
        Map<String, Object> note = new TreeMap<>();
        note.put("truncated", true);
        note.put("bytes", bytes.length);
        note.put("sha256", HexFormat.of().formatHex(AuditCanonical.sha256().digest(bytes)));
        note.put("keys", new ArrayList<>(value.keySet()).subList(0, Math.min(50, value.size())));
        try {
            return json.writeValueAsBytes(note);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}

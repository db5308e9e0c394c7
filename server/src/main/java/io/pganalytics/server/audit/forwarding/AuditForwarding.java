package io.pganalytics.server.audit.forwarding;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.audit.AuditForwardingStatus;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The forwarding of the audit trail on one node: a thread per configured destination, each forwarding only while
 * this node holds that destination's lease (one node of the cluster forwards each destination; another takes over
 * within the lease's time to live when it dies). Reports each destination's lag from the database, so any node
 * answers {@code GET /audit/forwarding}.
 */
public final class AuditForwarding implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditForwarding.class);
    /** How long a node that died keeps a destination before another node takes it over. */
    static final Duration LEASE_TTL = Duration.ofSeconds(15);
    /** How long the lag metrics are reused between scrapes (each reading costs two small queries per destination). */
    private static final Duration METRICS_CACHE = Duration.ofSeconds(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);

    private final ForwardingConfig config;
    private final ForwardPositions positions;
    private final Clock clock;
    private final JobLeases leases;
    private final List<Forwarder> forwarders = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile List<AuditForwardingStatus> cached = List.of();
    private volatile Instant cachedAt = Instant.MIN;

    public AuditForwarding(ForwardingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String node, Clock clock,
                           MetricsRegistry metrics, Function<String, String> environment) {
        this.config = config;
        this.positions = new ForwardPositions(dataSource, clock);
        this.clock = clock;
        this.leases = config.destinations().isEmpty() ? null : new JobLeases(hazelcast, LEASE_TTL);
        MetricsRegistry.Counter forwarded = metrics.counter("pganalytics_audit_forwarded_total",
                "Audit records delivered to a forwarding destination (resends after a restart included)", "destination");
        MetricsRegistry.Counter failures = metrics.counter("pganalytics_audit_forward_failures_total",
                "Failed attempts to deliver a batch of audit records to a forwarding destination", "destination");
        metrics.gauge("pganalytics_audit_forward_lag_records", "Audit records not yet delivered to a destination (head seq - position)",
                "destination", () -> metric(AuditForwardingStatus::lagRecords));
        metrics.gauge("pganalytics_audit_forward_lag_seconds", "Age of the oldest audit record not yet delivered to a destination",
                "destination", () -> metric(AuditForwardingStatus::lagSeconds));
        for (ForwardingConfig.Destination d : config.destinations()) {
            Sender sender = d.kind() == ForwardingConfig.Kind.SYSLOG ? new SyslogSender(d, node) : HttpSender.create(d, environment);
            forwarders.add(new Forwarder(d, sender, positions, leases, node, forwarded, failures));
        }
    }

    public void start() {
        for (Forwarder forwarder : forwarders) {
            Thread thread = new Thread(forwarder, "pga-audit-forward-" + forwarder.destination().name());
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
            LOG.info("audit forwarding {}: {} to {}", forwarder.destination().name(), forwarder.destination().kind().wireName(),
                    forwarder.destination().target());
        }
    }

    /** Every configured destination with its position and lag, as the database holds them. */
    public List<AuditForwardingStatus> status() {
        long head = positions.head();
        Instant now = clock.instant();
        List<AuditForwardingStatus> result = new ArrayList<>();
        for (ForwardingConfig.Destination d : config.destinations()) {
            Optional<ForwardPositions.Row> row = positions.row(d.name());
            long position = row.map(ForwardPositions.Row::position).orElse(0L);
            Optional<Instant> oldest = position < head ? positions.oldestAfter(position) : Optional.empty();
            long lagSeconds = oldest.map(at -> Math.max(0, Duration.between(at, now).toSeconds())).orElse(0L);
            String holder = leases.holder(Forwarder.job(d.name())).orElse(null);
            result.add(new AuditForwardingStatus(d.name(), d.kind().wireName(), d.target(), position, head, Math.max(0, head - position),
                    oldest.orElse(null), lagSeconds, row.map(ForwardPositions.Row::delivered).orElse(0L),
                    row.map(ForwardPositions.Row::lastError).orElse(null), row.map(ForwardPositions.Row::lastErrorAt).orElse(null),
                    holder, row.map(ForwardPositions.Row::updatedAt).orElse(null)));
        }
        return result;
    }

    private Map<String, Double> metric(java.util.function.ToLongFunction<AuditForwardingStatus> value) {
        if (config.destinations().isEmpty()) {
            return Map.of();
        }
        Instant now = clock.instant();
        if (cachedAt.plus(METRICS_CACHE).isBefore(now)) {
            try {
                cached = status();
            } catch (RuntimeException e) { // a scrape while the database is away: the last figures stand
                LOG.debug("audit forwarding: lag not read for metrics: {}", e.toString());
            }
            cachedAt = now;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        cached.forEach(s -> values.put(s.name(), (double) value.applyAsLong(s)));
        return values;
    }

    @Override
    public void close() {
        forwarders.forEach(Forwarder::stop);
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                LOG.warn("audit forwarding: {} did not stop within {}; its batch is sent again on the next start", thread.getName(), STOP_WAIT);
            }
        }
        if (leases != null) {
            leases.close();
        }
    }
}

package io.pganalytics.server.collectors;

import com.hazelcast.core.HazelcastInstance;
import io.ebean.Database;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.CallerAuthenticator;
import io.pganalytics.server.http.JsonBodies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Collector identities, wired: the one public entry point of this package. {@link #start()} schedules the
 * heartbeat persistence that every node runs for the heartbeats it received; {@link #close()} persists once more.
 */
public final class CollectorsFeature implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorsFeature.class);

    private final CollectorsConfig config;
    private final Heartbeats heartbeats;
    private final CollectorService collectors;
    private final RegistrationService registration;
    private final CollectorAuthenticator authenticator;
    private final JsonBodies bodies;
    private ScheduledExecutorService persister;

    /** @param audit where every change to a collector or a registration token is recorded, in its own transaction */
    public CollectorsFeature(CollectorsConfig config, Database database, HazelcastInstance hazelcast, JsonBodies bodies, Clock clock,
                             AuditLog audit) {
        this.config = Objects.requireNonNull(config);
        Objects.requireNonNull(clock);
        CollectorRepository collectorRows = new CollectorRepository(database);
        CollectorRegistry registry = new CollectorRegistry(hazelcast, collectorRows, config.registryCacheTtl());
        this.heartbeats = new Heartbeats(hazelcast, collectorRows);
        this.collectors = new CollectorService(database, collectorRows, registry, heartbeats, clock, audit);
        this.registration = new RegistrationService(database, new RegistrationTokenRepository(database), collectorRows, registry,
                new RegistrationThrottle(hazelcast, clock, config), new Secrets(new SecureRandom()), clock, config, audit);
        this.authenticator = new CollectorAuthenticator(registry);
        this.bodies = bodies;
    }

    /** Schedules the periodic persistence of the heartbeats this node receives. */
    public void start() {
        persister = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-collector-heartbeats");
            thread.setDaemon(true);
            return thread;
        });
        long period = config.heartbeatPersistInterval().toMillis();
        persister.scheduleWithFixedDelay(this::persistHeartbeats, period, period, TimeUnit.MILLISECONDS);
        LOG.info("collectors: registration tokens live {} (at most {}), heartbeats persisted every {}",
                config.registrationTokenTtl(), config.registrationTokenMaxTtl(), config.heartbeatPersistInterval());
    }

    /** Authenticates collectors on {@code COLLECTOR} routes by their credential. */
    public CallerAuthenticator collectorAuthenticator() {
        return authenticator;
    }

    /** The routes; revoking a collector must be confirmed ({@code confirmations}). */
    public List<ApiService> routes(Confirmations confirmations) {
        // Registration first: its /collectors/registration-tokens must match before /collectors/{id}.
        return List.of(new RegistrationRoutes(registration, bodies), new CollectorsRoutes(collectors, bodies, confirmations));
    }

    /**
     * Records that a collector was active (the ingest calls this on every accepted batch): one Hazelcast map set, no
     * database. The heartbeat shows at once in {@code GET /collectors} on every node and is persisted periodically.
     *
     * @param collectorId       the authenticated collector's id ({@code Caller.id()})
     * @param collectorVersion  the release it reported, or null
     * @param at                when the batch was accepted
     * @param spoolDepthBatches batches waiting in its spool, or null when unknown
     * @param errors            errors it reported, or null when unknown
     */
    public void recordActivity(String collectorId, String collectorVersion, Instant at, Long spoolDepthBatches, Long errors) {
        heartbeats.record(Objects.requireNonNull(collectorId), collectorVersion, Objects.requireNonNull(at), spoolDepthBatches, errors);
    }

    CollectorService collectors() {
        return collectors;
    }

    RegistrationService registration() {
        return registration;
    }

    CollectorAuthenticator authenticator() {
        return authenticator;
    }

    /** One round of heartbeat persistence; a failure is logged and its heartbeats retried next round. */
    void persistHeartbeats() {
        try {
            heartbeats.persist();
        } catch (RuntimeException e) {
            // The root of a scheduled task: never let one failure cancel every later round.
            LOG.warn("collectors: persisting heartbeats failed, retrying in {}: {}", config.heartbeatPersistInterval(), e.toString());
        }
    }

    /** Stops the schedule and persists what this node received since the last round. */
    @Override
    public void close() {
        if (persister != null) {
            persister.shutdownNow();
            try {
                if (!persister.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("collectors: heartbeat persistence did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        persistHeartbeats();
    }
}

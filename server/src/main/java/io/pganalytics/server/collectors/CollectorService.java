package io.pganalytics.server.collectors;

import io.ebean.Database;
import io.ebean.Transaction;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.collectors.CollectorHeartbeat;
import io.pganalytics.common.collectors.CollectorPage;
import io.pganalytics.common.collectors.CollectorView;
import io.pganalytics.common.collectors.UpdateCollectorRequest;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditEvent.Actor;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What admins do with registered collectors, and a collector's view of itself. Every change is published to the
 * cluster's registry after its transaction commits, so that disabling or deleting a collector refuses its credential
 * on every node at once. Deleting keeps the row (see the migration) but frees the heartbeat. Every change is recorded
 * in the audit trail in its own transaction, with the collector before and after.
 */
final class CollectorService {
    static final int MAX_PAGE = 500;
    private static final Logger LOG = LoggerFactory.getLogger(CollectorService.class);

    private final Database database;
    private final CollectorRepository collectors;
    private final CollectorRegistry registry;
    private final Heartbeats heartbeats;
    private final Clock clock;
    private final AuditLog audit;

    CollectorService(Database database, CollectorRepository collectors, CollectorRegistry registry, Heartbeats heartbeats, Clock clock,
                     AuditLog audit) {
        this.database = database;
        this.collectors = collectors;
        this.registry = registry;
        this.heartbeats = heartbeats;
        this.clock = clock;
        this.audit = audit;
    }

    CollectorPage list(int offset, int limit) {
        List<DCollector> page = collectors.page(offset, limit);
        Map<String, Heartbeat> live = heartbeats.latest(page.stream().map(c -> c.getId().toString()).toList());
        List<CollectorView> views = page.stream().map(c -> view(c, live.get(c.getId().toString()))).toList();
        return new CollectorPage(views, collectors.countLive(), offset, limit);
    }

    CollectorView get(UUID id) {
        DCollector collector = collectors.findLive(id).orElseThrow(() -> notFound(id));
        return view(collector, heartbeats.latest(List.of(id.toString())).get(id.toString()));
    }

    /** The calling collector's own view (for {@code collector check}). */
    CollectorView me(Caller caller) {
        return get(UUID.fromString(caller.id()));
    }

    CollectorView update(UUID id, UpdateCollectorRequest request, Actor caller) {
        String name = Inputs.trimmed(request.name());
        List<ErrorDetail> problems = new ArrayList<>();
        Inputs.check("name", name, Inputs.MAX_NAME, problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        DCollector collector;
        try (Transaction tx = database.beginTransaction()) {
            collector = collectors.findLiveForUpdate(id).orElseThrow(() -> notFound(id));
            Map<String, Object> before = state(collector);
            if (name != null) {
                collector.setName(name);
            }
            if (request.enabled() != null) {
                collector.setEnabled(request.enabled());
            }
            collector.setUpdatedAt(now());
            collectors.update(collector);
            audit.append(tx, AuditEvent.change("collector.update", "collector", id.toString()).actor(caller)
                    .change(before, state(collector)));
            tx.commit();
        }
        registry.publish(collector);
        LOG.info("collectors: {} ({}) updated collector {}: name {}, enabled {}", caller.id(), caller.name(), id,
                collector.getName(), collector.isEnabled());
        return get(id);
    }

    void delete(UUID id, Actor caller) {
        DCollector collector;
        try (Transaction tx = database.beginTransaction()) {
            collector = collectors.findLiveForUpdate(id).orElseThrow(() -> notFound(id));
            Map<String, Object> before = state(collector);
            Instant now = now();
            collector.setEnabled(false);
            collector.setDeletedAt(now);
            collector.setUpdatedAt(now);
            collectors.update(collector);
            audit.append(tx, AuditEvent.change("collector.revoke", "collector", id.toString()).actor(caller)
                    .change(before, state(collector)));
            tx.commit();
        }
        registry.publish(collector);
        heartbeats.forget(id.toString());
        LOG.info("collectors: {} ({}) deleted collector {} ({})", caller.id(), caller.name(), id, collector.getName());
    }

    /** A collector as an audit record holds it (never its credential). A collector is not a person: all in the clear. */
    private static Map<String, Object> state(DCollector collector) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("name", collector.getName());
        state.put("hostname", collector.getHostname());
        state.put("enabled", collector.isEnabled());
        state.put("deleted", collector.getDeletedAt() != null);
        return state;
    }

    /** The heartbeat to show: the cluster's live one, or the persisted one after a full restart, whichever is newer. */
    private static CollectorView view(DCollector collector, Heartbeat live) {
        CollectorHeartbeat persisted = collector.getLastSeenAt() == null ? null : new CollectorHeartbeat(collector.getLastSeenAt(),
                collector.getLastVersion(), collector.getSpoolDepthBatches(), collector.getErrorCount());
        CollectorHeartbeat heartbeat = persisted;
        if (live != null && (persisted == null || !live.lastSeen().isBefore(persisted.lastSeenAt()))) {
            heartbeat = live.view();
        }
        return new CollectorView(collector.getId().toString(), collector.getName(), collector.getHostname(),
                collector.getCollectorVersion(), collector.getCreatedAt(), collector.isEnabled(), heartbeat);
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("no collector with id " + id);
    }

    static Optional<UUID> parseId(String text) {
        return Secrets.isCollectorId(text) ? Optional.of(UUID.fromString(text)) : Optional.empty();
    }

    /** The clock's time at the database's precision, so that what a response shows is what a later read returns. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}

package io.pganalytics.server.alerting;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import com.hazelcast.topic.ITopic;
import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.IncidentView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates the rules this node owns: the Hazelcast partition owner of the key {@code Long ruleId}. A full round every
 * {@code alerting.evaluation-interval} evaluates every owned rule on every instance of its scope; after ingest (topic
 * {@value #DIRTY_TOPIC}: instance ids) a round within {@code alerting.ingest-delay} evaluates the owned rules covering
 * those instances, on them only. A round reads each signal once for all its rules and instances, decides every rule's
 * transitions in memory over the active alert rows (read from the database each round: a node that takes a rule over
 * starts from the state the last owner committed), and writes a rule whose alerts changed in one transaction of its own:
 * the rule's lock (so two nodes never evaluate it at once while ownership moves), its rows re-read and decided again,
 * written with their incidents, and the notifier told; then the live events. A member leaving triggers a full round.
 * <p>{@link #round} runs one round on the caller's thread (tests); {@link #start()} runs them on one supervised thread.
 */
final class RuleEvaluator implements AutoCloseable {
    static final String DIRTY_TOPIC = "pga.alerting-dirty";
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluator.class);

    private final AlertingConfig config;
    private final DataSource dataSource;
    private final HazelcastInstance hazelcast;
    private final Clock clock;
    private final SignalSource signals;
    private final InstanceDirectory directory;
    private final AlertStates states;
    private final AlertStore store;
    private final Incidents incidents;
    private final AlertEvents events;
    private final Conditions conditions;
    private final AlertFigures figures;
    private final AlertHousekeeping housekeeping;
    private final ITopic<long[]> dirtyTopic;
    private final Set<Long> dirty = ConcurrentHashMap.newKeySet();
    private final Map<String, CompiledRule> compiled = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private final List<UUID> listeners = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong rounds = new java.util.concurrent.atomic.AtomicLong();
    private volatile long dirtySince = Long.MAX_VALUE;
    private volatile boolean fullRequested;
    private volatile boolean closing;
    private Instant nextHousekeeping;
    private Thread thread;

    RuleEvaluator(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, Clock clock, SignalSource signals,
                  InstanceDirectory directory, AlertStates states, AlertStore store, Incidents incidents, AlertEvents events,
                  Conditions conditions, AlertFigures figures, AlertHousekeeping housekeeping) {
        this.config = config;
        this.dataSource = dataSource;
        this.hazelcast = hazelcast;
        this.clock = clock;
        this.signals = signals;
        this.directory = directory;
        this.states = states;
        this.store = store;
        this.incidents = incidents;
        this.events = events;
        this.conditions = conditions;
        this.figures = figures;
        this.housekeeping = housekeeping;
        this.dirtyTopic = hazelcast.getTopic(DIRTY_TOPIC);
        this.nextHousekeeping = clock.instant().plus(Duration.ofMinutes(1));
    }

    /** Listens to ingest notices and to members leaving (their rules are taken over at once). */
    void listen() {
        listeners.add(dirtyTopic.addMessageListener(message -> {
            for (long id : message.getMessageObject()) {
                dirty.add(id);
            }
            if (dirtySince == Long.MAX_VALUE) {
                dirtySince = System.nanoTime();
            }
            wake();
        }));
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // the rules moving to it are evaluated there; ours stay ours until migrated
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                fullRequested = true;
                wake();
            }
        });
    }

    void start() {
        listen();
        thread = new Thread(this::loop, "pga-alert-evaluator");
        thread.setDaemon(true);
        thread.start();
    }

    /** Tells every node that these instances received data. */
    void notifyStored(long[] instanceIds) {
        if (instanceIds.length > 0) {
            dirtyTopic.publish(instanceIds);
        }
    }

    long roundsRun() {
        return rounds.get();
    }

    boolean owns(long ruleId) {
        Partition partition = hazelcast.getPartitionService().getPartition(ruleId);
        return partition.getOwner() != null && partition.getOwner().localMember();
    }

    private void loop() {
        Duration backoff = config.evaluationInterval();
        long nextFull = System.nanoTime();
        while (!closing) {
            try {
                long now = System.nanoTime();
                if (fullRequested || now - nextFull >= 0) {
                    fullRequested = false;
                    nextFull = now + config.evaluationInterval().toNanos();
                    dirty.clear();
                    dirtySince = Long.MAX_VALUE;
                    round(null);
                } else if (dirtySince != Long.MAX_VALUE && now - dirtySince >= config.ingestDelay().toNanos()) {
                    dirtySince = Long.MAX_VALUE;
                    Set<Long> instances = new HashSet<>(dirty);
                    dirty.removeAll(instances);
                    round(instances);
                }
                backoff = config.evaluationInterval();
            } catch (SQLException | RuntimeException e) { // the thread's root: log, back off, go on
                LOG.warn("alert evaluation: a round failed; the next one runs in {}: {}", backoff, e.toString(), e);
                nextFull = System.nanoTime() + backoff.toNanos();
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
            long wait = Math.max(1, (nextFull - System.nanoTime()) / 1_000_000);
            if (dirtySince != Long.MAX_VALUE) {
                wait = Math.min(wait, Math.max(1, (dirtySince + config.ingestDelay().toNanos() - System.nanoTime()) / 1_000_000));
            }
            synchronized (wakeUp) {
                if (!closing && !fullRequested) {
                    try {
                        wakeUp.wait(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    /**
     * One round: the owned rules on every instance of their scope ({@code onlyInstances} null), or on those instances
     * only (after ingest).
     */
    void round(Set<Long> onlyInstances) throws SQLException {
        long start = System.nanoTime();
        Instant now = clock.instant();
        Map<Long, InstanceDirectory.Instance> instances = directory.instances();
        Map<String, Integer> active = new TreeMap<>();
        int evaluated = 0;
        try (Connection c = dataSource.getConnection()) {
            List<AlertRule> rules = store.rules(c, config.maxRules());
            Map<Long, Map<Long, AlertRow>> current = store.active(c);
            c.commit();
            Map<Long, CompiledRule> owned = new HashMap<>();
            Map<Long, long[]> targets = new HashMap<>();
            Map<String, Readings.Need> needs = new HashMap<>();
            Set<Long> anomalyInstances = new HashSet<>();
            for (AlertRule rule : rules) {
                if (!owns(rule.id())) {
                    continue;
                }
                CompiledRule compiledRule = compile(rule);
                if (compiledRule == null) {
                    continue;
                }
                owned.put(rule.id(), compiledRule);
                if (!rule.enabled()) {
                    continue;
                }
                long[] ids = scoped(rule, onlyInstances);
                targets.put(rule.id(), ids);
                if (ids.length > 0) {
                    Readings.plan(rule.condition(), config.staleness(), ids, needs, anomalyInstances);
                }
            }
            if (!needs.isEmpty() || !anomalyInstances.isEmpty()) {
                Readings readings = Readings.read(c, signals, needs, anomalyInstances, now, now, null);
                c.commit();
                for (CompiledRule rule : owned.values()) {
                    evaluated += evaluate(c, rule, readings, targets.getOrDefault(rule.id(), new long[0]),
                            current.getOrDefault(rule.id(), Map.of()), instances, onlyInstances == null, now);
                }
            } else {
                for (CompiledRule rule : owned.values()) {
                    evaluate(c, rule, new Readings(), targets.getOrDefault(rule.id(), new long[0]),
                            current.getOrDefault(rule.id(), Map.of()), instances, onlyInstances == null, now);
                }
            }
            if (onlyInstances == null) {
                for (CompiledRule rule : owned.values()) {
                    for (AlertRow row : current.getOrDefault(rule.id(), Map.of()).values()) {
                        if (!row.deleted && AlertStore.isActive(row.state)) {
                            active.merge(row.state + "|" + row.severity, 1, Integer::sum);
                        }
                    }
                }
                figures.owned(active);
            }
        }
        rounds.incrementAndGet();
        figures.round(onlyInstances == null ? "full" : "ingest", (System.nanoTime() - start) / 1e9, evaluated);
        if (housekeeping != null && onlyInstances == null && !clock.instant().isBefore(nextHousekeeping)) {
            nextHousekeeping = clock.instant().plus(housekeeping.interval());
            housekeeping.runOnce();
        }
    }

    private CompiledRule compile(AlertRule rule) {
        String key = rule.id() + "@" + rule.version();
        CompiledRule known = compiled.get(key);
        if (known != null) {
            return known;
        }
        List<String> problems = RuleChecks.problems(rule, signals);
        if (!problems.isEmpty()) {
            LOG.warn("alert rule {} ({}): not evaluated: {}", rule.id(), rule.name(), problems);
            return null;
        }
        if (compiled.size() > 4 * config.maxRules()) {
            compiled.clear();
        }
        CompiledRule made = CompiledRule.of(rule);
        compiled.put(key, made);
        return made;
    }

    private long[] scoped(AlertRule rule, Set<Long> onlyInstances) {
        Collection<InstanceDirectory.Instance> inScope = directory.inScope(rule.scope());
        return inScope.stream().mapToLong(InstanceDirectory.Instance::id)
                .filter(id -> onlyInstances == null || onlyInstances.contains(id)).sorted().toArray();
    }

    /** Decides one rule; writes it in a transaction of its own when something changed. Returns the instances evaluated. */
    private int evaluate(Connection c, CompiledRule rule, Readings readings, long[] ids, Map<Long, AlertRow> current,
                         Map<Long, InstanceDirectory.Instance> instances, boolean full, Instant now) throws SQLException {
        Map<Long, Verdict> verdicts = new TreeMap<>();
        for (long id : ids) {
            verdicts.put(id, conditions.evaluate(rule.rule().condition(), rule.rule().sensitivityFactor(), readings, id, now.getEpochSecond()));
        }
        Set<Long> gone = new HashSet<>();
        if (full) {
            for (Long id : current.keySet()) {
                if (!verdicts.containsKey(id)) {
                    gone.add(id); // left the scope, instance deleted, or the rule disabled
                }
            }
        }
        Map<Long, AlertRow> copy = new HashMap<>();
        current.forEach((k, v) -> copy.put(k, copyOf(v)));
        if (states.decide(rule, copy, verdicts, instances, gone, now).isEmpty()) {
            return ids.length;
        }
        write(c, rule, verdicts, instances, gone, now);
        return ids.length;
    }

    private void write(Connection c, CompiledRule rule, Map<Long, Verdict> verdicts, Map<Long, InstanceDirectory.Instance> instances,
                       Set<Long> gone, Instant now) throws SQLException {
        List<AlertEvent> published = new ArrayList<>();
        try {
            if (!AlertStore.lockRule(c, rule.id())) {
                c.rollback(); // another node evaluates it right now (ownership moving): it writes the same decisions
                return;
            }
            Map<Long, AlertRow> rows = store.activeLocked(c, rule.id());
            List<AlertRow> changed = new ArrayList<>(states.decide(rule, rows, verdicts, instances, gone, now));
            changed.sort(java.util.Comparator.comparing(r -> r.instanceId == null ? 0L : r.instanceId)); // incidents locked in one order
            for (AlertRow row : changed) {
                List<Incidents.Pending> pending = incidents.changes(c, row, now);
                store.write(c, row);
                IncidentView incident = null;
                String name = row.labels.get("instance");
                for (Incidents.Pending p : pending) {
                    incident = incidents.tell(c, p, name);
                }
                if (!row.deleted || row.id != null) {
                    published.add(new AlertEvent(row.view(), incident));
                }
                figures.transition(row);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
        for (AlertEvent event : published) {
            try {
                events.publish(event);
            } catch (RuntimeException e) { // live streams are best effort: the rows are committed
                LOG.debug("alert evaluation: live event of alert {} not published: {}", event.alert().id(), e.toString());
            }
        }
    }

    private static AlertRow copyOf(AlertRow r) {
        return new AlertRow(r.id, r.ruleId, r.instanceId, r.fingerprint, r.state, r.severity, r.labels, r.summary, r.value,
                r.pendingSince, r.firedAt, r.resolvedAt, r.lastEvaluatedAt, r.escalatedAt, r.incidentId, r.suppressed, r.wasSuppressed,
                r.anomalyId, r.version);
    }

    @Override
    public void close() {
        closing = true;
        wake();
        for (UUID id : listeners) {
            try {
                dirtyTopic.removeMessageListener(id);
            } catch (RuntimeException e) { // the member is stopping
                LOG.debug("alert evaluation: listener not removed: {}", e.toString());
            }
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.pganalytics.server.anomaly;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import com.hazelcast.topic.ITopic;
import io.pganalytics.analytics.anomaly.InstanceVerdict;
import io.pganalytics.analytics.anomaly.Verdict;
import io.pganalytics.server.anomaly.api.LearningStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Scores the instances this node owns: the Hazelcast partition owner of the key {@code Long instanceId}. The ingesting
 * node publishes each stored batch's instance ids on a topic and every node marks the ones it owns dirty; a sweep every
 * {@code anomaly.sweep-interval} also marks owned instances whose last collection is newer than what was scored (a lost
 * notice, a node that died). A round scores at most {@link #MAX_INSTANCES_PER_ROUND} dirty instances, each in a
 * transaction of its own: read the points after each series' last point (at most {@code max-points-per-round} per
 * series), score them, write anomaly rows, bands and checkpoints. An instance taken over is loaded from its
 * checkpoint (one read) and its points after it are scored again: anomaly rows are idempotent under re-scoring.
 *
 * <p>{@link #round()} runs one round on the caller's thread (tests); {@link #start()} runs rounds every
 * {@code anomaly.score-interval} on one thread, supervised: a failed round is logged and the next one runs after a
 * back-off that doubles up to a minute. Backfills run on that thread too, between rounds, on the owner of each instance.
 */
final class AnomalyScorer implements AutoCloseable {
    static final String DIRTY_TOPIC = "pga.anomaly-dirty";
    static final String BACKFILL_TOPIC = "pga.anomaly-backfill";
    static final int MAX_INSTANCES_PER_ROUND = 500;
    /** A new instance (no checkpoint) learns from this much of its stored history. */
    static final Duration INITIAL_HISTORY = Duration.ofDays(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(AnomalyScorer.class);

    /** A backfill: score {@code (from, to]} of one instance (or every instance: null) with fresh detectors. */
    record Backfill(Long instanceId, Instant from, Instant to) {
        String encode() {
            return (instanceId == null ? "*" : instanceId.toString()) + "|" + from.getEpochSecond() + "|" + to.getEpochSecond();
        }

        static Backfill decode(String text) {
            String[] parts = text.split("\\|");
            return new Backfill("*".equals(parts[0]) ? null : Long.valueOf(parts[0]),
                    Instant.ofEpochSecond(Long.parseLong(parts[1])), Instant.ofEpochSecond(Long.parseLong(parts[2])));
        }
    }

    private final AnomalyConfig config;
    private final DataSource dataSource;
    private final HazelcastInstance hazelcast;
    private final Clock clock;
    private final PointSource points;
    private final AnomalyTuning tuning;
    private final AnomalyWriter writer;
    private final AnomalyFigures figures;
    private final AnomalyHousekeeping housekeeping;
    private final ITopic<long[]> dirtyTopic;
    private final ITopic<String> backfillTopic;
    private final Map<Long, InstanceState> states = new ConcurrentHashMap<>();
    private final Set<Long> dirty = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Backfill> backfills = new ConcurrentLinkedQueue<>();
    private final BandWriter bands = new BandWriter();
    private final Object wakeUp = new Object();
    private final List<UUID> listeners = new ArrayList<>();
    private Instant nextSweep = Instant.MIN;
    private Instant nextHousekeeping;
    private long scoredInRound;
    private volatile boolean closing;
    private Thread thread;

    AnomalyScorer(AnomalyConfig config, DataSource dataSource, HazelcastInstance hazelcast, Clock clock, PointSource points,
                  AnomalyTuning tuning, AnomalyWriter writer, AnomalyFigures figures, AnomalyHousekeeping housekeeping) {
        this.config = config;
        this.dataSource = dataSource;
        this.hazelcast = hazelcast;
        this.clock = clock;
        this.points = points;
        this.tuning = tuning;
        this.writer = writer;
        this.figures = figures;
        this.housekeeping = housekeeping;
        this.dirtyTopic = hazelcast.getTopic(DIRTY_TOPIC);
        this.backfillTopic = hazelcast.getTopic(BACKFILL_TOPIC);
        this.nextHousekeeping = clock.instant().plus(Duration.ofMinutes(1));
    }

    /** Listens to the notices of other nodes (dirty instances, backfills): before the first round. */
    void listen() {
        listeners.add(dirtyTopic.addMessageListener(message -> {
            for (long id : message.getMessageObject()) {
                if (owns(id)) {
                    dirty.add(id);
                }
            }
        }));
        listeners.add(backfillTopic.addMessageListener(message -> {
            backfills.add(Backfill.decode(message.getMessageObject()));
            wake();
        }));
    }

    /** Starts the supervised scoring thread. */
    void start() {
        listen();
        thread = new Thread(this::loop, "pga-anomaly-scorer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Tells every node that these instances have new points (the owner of each marks it dirty). */
    void notifyStored(long[] instanceIds) {
        if (instanceIds.length > 0) {
            dirtyTopic.publish(instanceIds);
        }
    }

    boolean owns(long instanceId) {
        Partition partition = hazelcast.getPartitionService().getPartition(instanceId);
        return partition.getOwner() != null && partition.getOwner().localMember();
    }

    /** The instances this node holds detectors for (for tests and figures). */
    Set<Long> loaded() {
        return Set.copyOf(states.keySet());
    }

    /**
     * How far the instance's detectors have learned, when this node holds them: series learning, series scored, and when
     * the last learning one is expected to be done (its missing points at its recent interval). Read off the scoring
     * thread: a view that may lag by a point.
     */
    Optional<LearningStatus> learning(long instanceId) {
        InstanceState state = states.get(instanceId);
        if (state == null) {
            return Optional.empty();
        }
        int total = 0;
        int learning = 0;
        long latest = Long.MIN_VALUE;
        for (InstanceState.Series s : List.copyOf(state.series.values())) {
            total++;
            if (s.detector.learning()) {
                learning++;
                long missing = Math.max(0, state.config.learningPoints() - s.detector.points());
                latest = Math.max(latest, s.lastAt + missing * s.recent.interval());
            }
        }
        return Optional.of(new LearningStatus(learning, total, learning == 0 ? null : Instant.ofEpochSecond(latest)));
    }

    private void loop() {
        Duration backoff = config.scoreInterval();
        while (!closing) {
            Duration pause = config.scoreInterval();
            try {
                round();
                backoff = config.scoreInterval();
            } catch (SQLException | RuntimeException e) { // the thread's root: log, back off, go on
                LOG.warn("anomaly scoring: a round failed; the next one runs in {}: {}", backoff, e.toString(), e);
                pause = backoff;
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
            synchronized (wakeUp) {
                if (!closing && backfills.isEmpty()) {
                    try {
                        wakeUp.wait(Math.max(1, pause.toMillis()));
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

    /** One round: hand over instances no longer owned, sweep when due, backfills, score the dirty ones, checkpoint. */
    void round() throws SQLException {
        long start = System.nanoTime();
        scoredInRound = 0;
        try (Connection c = dataSource.getConnection()) {
            handOver(c);
            Instant now = clock.instant();
            if (!now.isBefore(nextSweep)) {
                sweep(c);
                nextSweep = now.plus(config.sweepInterval());
            }
            for (Backfill b; (b = backfills.poll()) != null; ) {
                runBackfill(c, b);
            }
            int scored = 0;
            for (Iterator<Long> it = dirty.iterator(); it.hasNext() && scored < MAX_INSTANCES_PER_ROUND && !closing; ) {
                long id = it.next();
                it.remove();
                if (!owns(id)) {
                    continue;
                }
                scored++;
                scoreInstance(c, id);
            }
            checkpointDue(c, false);
        }
        if (housekeeping != null && !clock.instant().isBefore(nextHousekeeping)) {
            nextHousekeeping = clock.instant().plus(housekeeping.interval());
            housekeeping.runOnce();
        }
        int learning = 0;
        for (InstanceState s : states.values()) {
            learning += s.learningSeries();
        }
        figures.round((System.nanoTime() - start) / 1e9, scoredInRound, writer.takeOpened(), states.size(), learning);
    }

    /** Marks an instance dirty as a notice would (tests; the sweep). */
    void markDirty(long instanceId) {
        dirty.add(instanceId);
    }

    /** Checkpoints and forgets the instances another node owns now. */
    private void handOver(Connection c) throws SQLException {
        for (InstanceState state : List.copyOf(states.values())) {
            if (!owns(state.instanceId)) {
                checkpoint(c, state);
                states.remove(state.instanceId);
                LOG.debug("anomaly scoring: instance {} handed over", state.instanceId);
            }
        }
    }

    /** Marks the owned instances collected after what was scored; forgets instances that are gone. */
    private void sweep(Connection c) throws SQLException {
        Set<Long> present = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, last_collected_at FROM monitored_instance");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                present.add(id);
                java.sql.Timestamp collected = rs.getTimestamp(2);
                InstanceState state = states.get(id);
                if (collected != null && owns(id) && (state == null || collected.toInstant().getEpochSecond() > state.cursor())) {
                    dirty.add(id);
                }
            }
        }
        c.commit();
        states.keySet().removeIf(id -> !present.contains(id));
    }

    /** Writes the checkpoints that are due (every checkpoint-interval), or all of them ({@code all}). */
    void checkpointDue(Connection c, boolean all) throws SQLException {
        Instant now = clock.instant();
        for (InstanceState state : states.values()) {
            if (!state.changed.isEmpty() && (all || !now.isBefore(state.checkpointedAt.plus(config.checkpointInterval())))) {
                checkpoint(c, state);
            }
        }
    }

    private void checkpoint(Connection c, InstanceState state) throws SQLException {
        if (state.changed.isEmpty()) {
            return;
        }
        try {
            DetectorStates.save(c, state, state.changed, clock.instant());
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
        state.changed.clear();
        state.checkpointedAt = clock.instant();
    }

    /** Scores one instance's new points in one transaction; on failure it is reloaded from its checkpoint next time. */
    private void scoreInstance(Connection c, long id) throws SQLException {
        InstanceState state = states.get(id);
        try {
            if (state == null) {
                state = load(c, id, null);
                if (state == null) {
                    return;
                }
                states.put(id, state);
            }
            state.applyFactor(tuning.thresholdFactor(id));
            Instant now = clock.instant();
            long cursor = state.cursor();
            long after = cursor == Long.MIN_VALUE ? now.minus(INITIAL_HISTORY).getEpochSecond()
                    : state.readAfter(Math.max(600, 2 * config.checkpointInterval().toSeconds()));
            Map<String, List<PointSource.Point>> read = points.points(c, id, Instant.ofEpochSecond(after), now,
                    config.maxPointsPerRound());
            score(c, state, read);
            if (read.values().stream().anyMatch(l -> l.size() >= config.maxPointsPerRound())) {
                dirty.add(id); // a backlog: the next round goes on
            }
            c.commit();
            writer.publish(c);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            writer.discard();
            bands.clear();
            states.remove(id);
            LOG.warn("anomaly scoring: instance {}: round failed, it resumes from its checkpoint: {}", id, e.toString());
        }
    }

    /** A new state for an instance: its checkpoint and open rows, or none (a backfill: {@code fresh}). */
    private InstanceState load(Connection c, long id, Instant fresh) throws SQLException {
        String name;
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM monitored_instance WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                name = rs.getString(1);
            }
        }
        InstanceState state = new InstanceState(id, name, config.detector(), tuning.thresholdFactor(id), clock.instant());
        if (fresh == null) {
            DetectorStates.load(c, state);
            writer.loadOpen(c, state);
        }
        return state;
    }

    /**
     * Scores the points read (those after each series' last point), writes the rows, the bands, and the checkpoint of
     * every series whose row changed, in the caller's transaction.
     */
    private void score(Connection c, InstanceState state, Map<String, List<PointSource.Point>> read) throws SQLException {
        Set<String> rowChanged = new HashSet<>();
        for (Map.Entry<String, List<PointSource.Point>> e : new TreeMap<>(read).entrySet()) {
            String name = e.getKey();
            InstanceState.Series series = state.series(name);
            for (PointSource.Point p : e.getValue()) {
                if (p.epochSecond() <= series.lastAt) {
                    continue;
                }
                Instant at = Instant.ofEpochSecond(p.epochSecond());
                series.lastAt = p.epochSecond();
                state.changed.add(name);
                if (tuning.excluded(state.instanceId, name, at)) {
                    continue;
                }
                Verdict v = series.detector.observe(p.epochSecond(), p.value());
                scoredInRound++;
                series.recent.add(p.epochSecond(), v.score(), v.anomalous());
                if (!v.learning()) {
                    bands.add(state.instanceId, name, p.epochSecond(), v.expected(), v.lower(), v.upper());
                }
                if (step(c, state, name, at, v.anomalous(), v.alert(), AnomalyWriter.kind(v.kind()), v.score(),
                        v.learning() ? null : v.expected(), v.learning() ? null : v.lower(), v.learning() ? null : v.upper(), v.value())) {
                    rowChanged.add(name);
                }
            }
        }
        if (scoreVectors(c, state, read)) {
            rowChanged.add(InstanceState.INSTANCE);
        }
        if (!rowChanged.isEmpty()) {
            DetectorStates.save(c, state, rowChanged, clock.instant());
        }
        bands.flush(c);
    }

    /** The multivariate detector at every new point of {@code tps}, with each metric's latest value at or before it. */
    private boolean scoreVectors(Connection c, InstanceState state, Map<String, List<PointSource.Point>> read) throws SQLException {
        List<PointSource.Point> clockSeries = read.getOrDefault(InstanceState.VECTOR.getFirst(), List.of());
        int[] next = new int[InstanceState.VECTOR.size()];
        boolean changed = false;
        for (PointSource.Point tick : clockSeries) {
            long t = tick.epochSecond();
            for (int m = 0; m < next.length; m++) {
                List<PointSource.Point> metric = read.getOrDefault(InstanceState.VECTOR.get(m), List.of());
                while (next[m] < metric.size() && metric.get(next[m]).epochSecond() <= t) {
                    state.latest[m] = metric.get(next[m]).value();
                    state.seen[m] = true;
                    next[m]++;
                }
            }
            if (t <= state.vectorLastAt || !allSeen(state)) {
                continue;
            }
            state.vectorLastAt = t;
            state.changed.add(InstanceState.INSTANCE);
            Instant at = Instant.ofEpochSecond(t);
            if (tuning.excluded(state.instanceId, InstanceState.INSTANCE, at)) {
                continue;
            }
            if (state.vector == null) {
                state.vector = new io.pganalytics.analytics.anomaly.InstanceDetector(InstanceState.VECTOR.size(), state.vectorSettings);
            }
            InstanceVerdict v = state.vector.observe(state.latest.clone());
            state.vectorPoints++;
            scoredInRound++;
            state.vectorRecent.add(t, v.score(), v.anomalous());
            boolean anomalous = !v.learning() && v.anomalous();
            changed |= step(c, state, InstanceState.INSTANCE, at, anomalous, anomalous, io.pganalytics.common.anomaly.AnomalyView.MULTIVARIATE,
                    v.score(), null, null, null, null);
        }
        return changed;
    }

    private static boolean allSeen(InstanceState state) {
        for (boolean s : state.seen) {
            if (!s) {
                return false;
            }
        }
        return true;
    }

    /** One verdict's effect on the series' episode; true when its row changed. */
    private boolean step(Connection c, InstanceState state, String series, Instant at, boolean anomalous, boolean alert,
                         String kind, double score, Double expected, Double lower, Double upper, Double actual) throws SQLException {
        Episode episode = state.episodes.get(series);
        if (anomalous) {
            if (episode == null) {
                if (!alert) {
                    return false; // a point of an episode whose alert was excluded or merged
                }
                episode = writer.open(c, state, series, at, kind, score, expected, lower, upper, actual);
                state.episodes.put(series, episode);
                return episode.created;
            }
            episode.quiet = 0;
            if (episode.suppressed || !at.isAfter(episode.lastAnomalousAt)) {
                return false;
            }
            episode.extend(at, kind, score, expected, lower, upper, actual);
            writer.grown(c, state, episode);
            return true;
        }
        if (episode != null && ++episode.quiet >= config.detector().quietPoints()) {
            state.episodes.remove(series);
            if (!episode.suppressed) {
                writer.close(c, state, episode);
                return true;
            }
        }
        return false;
    }

    /**
     * Scores {@code (from, to]} of the instances the backfill names that this node owns, with fresh detectors, writing
     * anomalies (none that a stored one covers) and bands; the detectors it ends with replace the live ones and are
     * checkpointed, and live scoring goes on after them (scoring again, idempotently, what came after {@code to}).
     */
    private void runBackfill(Connection c, Backfill backfill) throws SQLException {
        List<Long> ids = new ArrayList<>();
        if (backfill.instanceId() != null) {
            ids.add(backfill.instanceId());
        } else {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM monitored_instance ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            c.commit();
        }
        for (long id : ids) {
            if (owns(id) && !closing) {
                backfill(c, id, backfill.from(), backfill.to());
            }
        }
    }

    /** Backfills one instance on this node now; returns the points scored. */
    long backfill(Connection c, long id, Instant from, Instant to) throws SQLException {
        long before = scoredInRound;
        InstanceState state = load(c, id, from);
        if (state == null) {
            return 0;
        }
        try {
            Instant after = from;
            while (!closing) {
                Map<String, List<PointSource.Point>> read = points.points(c, id, after, to, config.maxPointsPerRound());
                score(c, state, read);
                c.commit();
                writer.publish(c);
                long next = Long.MAX_VALUE;
                for (Map.Entry<String, List<PointSource.Point>> e : read.entrySet()) {
                    if (e.getValue().size() >= config.maxPointsPerRound()) {
                        next = Math.min(next, e.getValue().getLast().epochSecond());
                    }
                }
                if (next == Long.MAX_VALUE) {
                    break;
                }
                after = Instant.ofEpochSecond(next);
            }
            writer.loadOpen(c, state);
            state.changed.addAll(state.series.keySet());
            state.changed.add(InstanceState.INSTANCE);
            checkpoint(c, state);
            states.put(id, state);
            dirty.add(id);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            writer.discard();
            bands.clear();
            states.remove(id);
            throw e;
        }
        long scored = scoredInRound - before;
        LOG.info("anomaly backfill: instance {} from {} to {}: {} points scored", id, from, to, scored);
        return scored;
    }

    @Override
    public void close() {
        closing = true;
        listeners.forEach(id -> {
            try {
                dirtyTopic.removeMessageListener(id);
                backfillTopic.removeMessageListener(id);
            } catch (RuntimeException e) { // the member is stopping
                LOG.debug("anomaly scoring: listener not removed: {}", e.toString());
            }
        });
        wake();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Connection c = dataSource.getConnection()) {
            checkpointDue(c, true);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("anomaly scoring: checkpoints not written on close; the next owner scores again from the last ones: {}", e.toString());
        }
    }
}

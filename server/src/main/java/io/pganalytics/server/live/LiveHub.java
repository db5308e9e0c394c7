package io.pganalytics.server.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.ReliableTopicConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.cluster.ClusterCalls;
import com.hazelcast.flakeidgen.FlakeIdGenerator;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import com.hazelcast.topic.TopicOverloadPolicy;
import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.query.LiveUpdate;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * This node's end of the live stream: publishes updates to the cluster's topic, hears every node's, keeps the last
 * few per instance and hands them to this node's subscribers.
 */
final class LiveHub implements AutoCloseable {
    static final String TOPIC = "pga.instance-updates";
    static final String LATEST = "pga.live-latest";
    static final String EVENT_IDS = "pga.live-event-ids";
    static final String ANOMALY_TOPIC = "pga.anomaly-events";
    static final String ALERT_TOPIC = "pga.alert-events";
    /** The fleet stream's subscribers are kept under this instance id, which no instance has. */
    static final long FLEET = 0;
    /** The alert fleet stream's subscribers are kept under this instance id, which no instance has. */
    static final long ALERT_FLEET = -1;
    /** The instance id of an alert event about no instance: it goes to the fleet stream only. */
    static final long NO_INSTANCE = -2;
    /** Anomaly events each node keeps, fleet-wide, for Last-Event-ID resumption. */
    static final int ANOMALY_REPLAY = 256;
    private static final Logger LOG = LoggerFactory.getLogger(LiveHub.class);

    private final LiveConfig config;
    private final ObjectMapper mapper;
    private final ITopic<String> topic;
    private final IMap<Long, String> latest;
    /** A new stream's first event is read from the cluster for at most {@code cluster.request-wait}, then from the database. */
    private final ClusterCalls calls;
    private final FlakeIdGenerator ids;
    private final UUID registration;
    private final ITopic<String> anomalyTopic;
    private final UUID anomalyRegistration;
    /** The last {@link #ANOMALY_REPLAY} anomaly events this node heard, oldest first. */
    private final Deque<LiveEvent> recentAnomalies = new ArrayDeque<>();
    private final ITopic<String> alertTopic;
    private final UUID alertRegistration;
    /** The last {@link #ANOMALY_REPLAY} alert events this node heard, oldest first. */
    private final Deque<LiveEvent> recentAlerts = new ArrayDeque<>();
    private final LongFunction<Optional<LiveUpdate>> fromDatabase;
    private final Map<Long, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final Map<Long, Deque<LiveEvent>> recent;
    private final AtomicInteger open = new AtomicInteger();
    /** Open streams per user on this node; a key is gone when its user has none. */
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final MetricsRegistry.Counter events;

    LiveHub(LiveConfig config, HazelcastInstance hazelcast, ObjectMapper mapper, MetricsRegistry metrics,
            LongFunction<Optional<LiveUpdate>> fromDatabase) {
        this.config = config;
        this.mapper = mapper;
        this.fromDatabase = fromDatabase;
        this.topic = hazelcast.getReliableTopic(TOPIC);
        this.latest = hazelcast.getMap(LATEST);
        this.calls = ClusterCalls.of(hazelcast);
        this.ids = hazelcast.getFlakeIdGenerator(EVENT_IDS);
        int maxInstances = config.maxInstances();
        this.recent = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Deque<LiveEvent>> eldest) {
                return size() > maxInstances;
            }
        });
        this.events = metrics.counter("pganalytics_live_events_total", "live-stream events by outcome on this node", "result");
        metrics.gauge("pganalytics_live_subscribers", "open live streams on this node", open::get);
        this.registration = topic.addMessageListener(new Listener(this::deliver));
        this.anomalyTopic = hazelcast.getReliableTopic(ANOMALY_TOPIC);
        this.anomalyRegistration = anomalyTopic.addMessageListener(new Listener(this::deliverAnomaly));
        this.alertTopic = hazelcast.getReliableTopic(ALERT_TOPIC);
        this.alertRegistration = alertTopic.addMessageListener(new Listener(this::deliverAlert));
    }

    /** The member's settings for the topic: applied before the member starts. */
    static void configure(com.hazelcast.config.Config hz) {
        // A reliable topic is a ring buffer: a slow listener loses the oldest messages instead of blocking publishers.
        hz.addRingBufferConfig(new RingbufferConfig("_hz_rb_" + TOPIC).setCapacity(1000));
        hz.addReliableTopicConfig(new ReliableTopicConfig(TOPIC)
                .setTopicOverloadPolicy(TopicOverloadPolicy.DISCARD_OLDEST).setReadBatchSize(50));
        hz.addRingBufferConfig(new RingbufferConfig("_hz_rb_" + ANOMALY_TOPIC).setCapacity(1000));
        hz.addReliableTopicConfig(new ReliableTopicConfig(ANOMALY_TOPIC)
                .setTopicOverloadPolicy(TopicOverloadPolicy.DISCARD_OLDEST).setReadBatchSize(50));
        hz.addRingBufferConfig(new RingbufferConfig("_hz_rb_" + ALERT_TOPIC).setCapacity(1000));
        hz.addReliableTopicConfig(new ReliableTopicConfig(ALERT_TOPIC)
                .setTopicOverloadPolicy(TopicOverloadPolicy.DISCARD_OLDEST).setReadBatchSize(50));
    }

    /**
     * Publishes a changed alert or incident to every node (this one included): {@code <event id> <instance id> <AlertEvent
     * JSON>}. Never throws: the change is stored already, and a stream that misses it finds it in the lists.
     */
    void publishAlert(AlertEvent event) {
        Long instanceId = event.alert() != null ? event.alert().instanceId() : event.incident() != null ? event.incident().instanceId() : null;
        long key = instanceId == null ? NO_INSTANCE : instanceId;
        try {
            String json = mapper.writeValueAsString(event);
            alertTopic.publishAsync(ids.newId() + " " + key + " " + json);
        } catch (JsonProcessingException | RuntimeException e) {
            events.inc("failed");
            LOG.warn("live: an alert event of instance {} was not published: {}", key, e.toString());
        }
    }

    /**
     * Publishes a changed anomaly to every node (this one included): {@code <event id> <instance id> <AnomalyView JSON>}.
     * Never throws: the anomaly is stored already, and a stream that misses it finds it in the list.
     */
    void publishAnomaly(AnomalyView anomaly) {
        try {
            String json = mapper.writeValueAsString(anomaly);
            anomalyTopic.publishAsync(ids.newId() + " " + anomaly.instanceId() + " " + json);
        } catch (JsonProcessingException | RuntimeException e) {
            events.inc("failed");
            LOG.warn("live: anomaly {} of instance {} was not published: {}", anomaly.id(), anomaly.instanceId(), e.toString());
        }
    }

    /** Publishes an ingest's figures for one instance to every node (this one included). Never blocks on subscribers. */
    void publish(InstanceUpdate update) {
        LiveUpdate live = new LiveUpdate(ids.newId(), update.instanceId(), update.name(), update.collectedAt(), update.families(),
                update.figures(), update.waits());
        String json;
        try {
            json = mapper.writeValueAsString(live);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the live update of instance " + update.instanceId(), e);
        }
        latest.setAsync(update.instanceId(), json);
        topic.publishAsync(json);
    }

    /**
     * Opens a subscription for a caller's session: 429 when the user already holds {@code live.max-streams-per-user}
     * streams on this node, 503 when this node has as many as it may.
     */
    /** As {@link #subscribe(long, String, String)}, for the fleet's anomaly stream. */
    Subscriber subscribeFleet(String userId, String sessionId) {
        return subscribe(FLEET, userId, sessionId);
    }

    Subscriber subscribe(long instanceId, String userId, String sessionId) {
        if (closed.get()) {
            throw ApiException.unavailable("this server node is shutting down: reconnect to another node", Duration.ofSeconds(1));
        }
        if (perUser.merge(userId, 1, Integer::sum) > config.maxStreamsPerUser()) {
            releaseUser(userId);
            events.inc("refused");
            throw ApiException.rateLimited("you already have " + config.maxStreamsPerUser()
                    + " live streams open on this node (live.max-streams-per-user): close one first", Duration.ofSeconds(5));
        }
        int now = open.incrementAndGet();
        if (now > config.maxSubscribers()) {
            open.decrementAndGet();
            releaseUser(userId);
            events.inc("refused");
            throw ApiException.unavailable("this node serves its maximum of " + config.maxSubscribers()
                    + " live streams (live.max-subscribers): retry later or on another node", Duration.ofSeconds(5));
        }
        Subscriber subscriber = new Subscriber(instanceId, userId, sessionId, config.queueCapacity());
        subscribers.computeIfAbsent(instanceId, id -> new CopyOnWriteArraySet<>()).add(subscriber);
        return subscriber;
    }

    void unsubscribe(Subscriber subscriber) {
        Set<Subscriber> set = subscribers.get(subscriber.instanceId());
        if (set != null && set.remove(subscriber)) {
            open.decrementAndGet();
            releaseUser(subscriber.userId());
        }
    }

    private void releaseUser(String userId) {
        perUser.computeIfPresent(userId, (id, count) -> count <= 1 ? null : count - 1);
    }

    /** Ends this node's streams of a session that was ended (logout, revocation, a user disabled or demoted). */
    void endSession(String sessionId) {
        subscribers.values().forEach(set -> set.stream().filter(s -> s.sessionId().equals(sessionId))
                .forEach(s -> s.end("the sign-in session has ended: sign in again")));
    }

    /**
     * What a new stream starts with. Without {@code lastEventId}: the latest known update (this node's memory, the
     * cluster's, or else the database's figures under id 0). With it: the kept updates after it, or the latest when
     * that id is unknown here (older than what is kept, or newer, from before a cluster restart).
     */
    List<LiveEvent> initial(long instanceId, Optional<Long> lastEventId) {
        List<LiveEvent> kept;
        synchronized (recent) {
            Deque<LiveEvent> deque = recent.get(instanceId);
            kept = deque == null ? List.of() : new ArrayList<>(deque);
        }
        if (lastEventId.isPresent() && !kept.isEmpty()) {
            long last = lastEventId.get();
            if (last <= kept.getLast().id()) {
                return kept.stream().filter(e -> e.id() > last).toList();
            }
            return List.of(kept.getLast());
        }
        Optional<LiveEvent> newest = kept.isEmpty() ? latestInCluster(instanceId) : Optional.of(kept.getLast());
        if (newest.isPresent() && lastEventId.isPresent() && lastEventId.get() == newest.get().id()) {
            return List.of();
        }
        return newest.map(List::of).orElse(List.of());
    }

    /**
     * The anomaly events this node kept after {@code lastEventId}, of one instance or ({@link #FLEET}) of all, oldest
     * first: what a resuming stream missed (as far as this node remembers).
     */
    List<LiveEvent> anomaliesAfter(long instanceId, long lastEventId) {
        synchronized (recentAnomalies) {
            return recentAnomalies.stream().filter(e -> e.id() > lastEventId && (instanceId == FLEET || e.instanceId() == instanceId))
                    .toList();
        }
    }

    /** The alert events this node kept after {@code lastEventId}, of one instance or ({@link #ALERT_FLEET}) of all, oldest first. */
    List<LiveEvent> alertsAfter(long instanceId, long lastEventId) {
        synchronized (recentAlerts) {
            return recentAlerts.stream().filter(e -> e.id() > lastEventId && (instanceId == ALERT_FLEET || e.instanceId() == instanceId))
                    .toList();
        }
    }

    private Optional<LiveEvent> latestInCluster(long instanceId) {
        String json;
        try {
            json = calls.await("read instance " + instanceId + "'s latest update", latest.getAsync(instanceId));
        } catch (ClusterCalls.ClusterUnavailableException e) {
            LOG.debug("live: {}: the database answers", e.getMessage());
            json = null;
        }
        if (json != null) {
            try {
                return Optional.of(new LiveEvent(mapper.readValue(json, LiveUpdate.class).eventId(), instanceId, json));
            } catch (JsonProcessingException e) {
                LOG.warn("live: unreadable latest update of instance {}: {}", instanceId, e.getOriginalMessage());
            }
        }
        return fromDatabase.apply(instanceId).map(update -> {
            try {
                return new LiveEvent(update.eventId(), instanceId, mapper.writeValueAsString(update));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise the figures of instance " + instanceId, e);
            }
        });
    }

    void sent() {
        events.inc("sent");
    }

    int openStreams() {
        return open.get();
    }

    /** Ends every stream of this node (before the HTTP drain) and refuses new ones. */
    void endStreams() {
        closed.set(true);
        subscribers.values().forEach(set -> set.forEach(Subscriber::end));
    }

    @Override
    public void close() {
        endStreams();
        try {
            topic.removeMessageListener(registration);
            anomalyTopic.removeMessageListener(anomalyRegistration);
            alertTopic.removeMessageListener(alertRegistration);
        } catch (RuntimeException e) {
            // The member may already be leaving; nothing to undo then.
            LOG.debug("live: removing the topic listener: {}", e.toString());
        }
    }

    private void deliver(String json) {
        LiveUpdate update;
        try {
            update = mapper.readValue(json, LiveUpdate.class);
        } catch (JsonProcessingException e) {
            LOG.warn("live: dropping an unreadable update from the topic: {}", e.getOriginalMessage());
            return;
        }
        LiveEvent event = new LiveEvent(update.eventId(), update.instanceId(), json);
        synchronized (recent) {
            Deque<LiveEvent> deque = recent.computeIfAbsent(update.instanceId(), id -> new ArrayDeque<>());
            deque.addLast(event);
            while (deque.size() > config.replayEvents()) {
                deque.removeFirst();
            }
        }
        Set<Subscriber> set = subscribers.get(update.instanceId());
        if (set != null) {
            for (Subscriber subscriber : set) {
                int drops = subscriber.offer(event);
                if (drops > 0) {
                    events.add(drops, "dropped");
                }
            }
        }
    }

    private void deliverAnomaly(String message) {
        deliverNotice(message, LiveEvent.ANOMALY, recentAnomalies, FLEET);
    }

    private void deliverAlert(String message) {
        deliverNotice(message, LiveEvent.ALERT, recentAlerts, ALERT_FLEET);
    }

    /** An anomaly or alert message: kept for resumption, offered to its instance's streams and to its fleet stream. */
    private void deliverNotice(String message, String name, Deque<LiveEvent> recentNotices, long fleet) {
        int first = message.indexOf(' ');
        int second = first < 0 ? -1 : message.indexOf(' ', first + 1);
        LiveEvent event;
        try {
            event = new LiveEvent(Long.parseLong(message.substring(0, first)), Long.parseLong(message.substring(first + 1, second)),
                    name, message.substring(second + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            LOG.warn("live: dropping an unreadable {} event from the topic", name);
            return;
        }
        synchronized (recentNotices) {
            recentNotices.addLast(event);
            while (recentNotices.size() > ANOMALY_REPLAY) {
                recentNotices.removeFirst();
            }
        }
        if (event.instanceId() > 0) {
            offer(subscribers.get(event.instanceId()), event);
        }
        offer(subscribers.get(fleet), event);
    }

    private void offer(Set<Subscriber> set, LiveEvent event) {
        if (set != null) {
            for (Subscriber subscriber : set) {
                int drops = subscriber.offer(event);
                if (drops > 0) {
                    events.add(drops, "dropped");
                }
            }
        }
    }

    /** Hears every node's messages, from the next one on; a gap (this node fell behind) is tolerated, never fatal. */
    private static final class Listener implements ReliableMessageListener<String> {
        private final java.util.function.Consumer<String> delivery;

        Listener(java.util.function.Consumer<String> delivery) {
            this.delivery = delivery;
        }

        @Override
        public void onMessage(Message<String> message) {
            delivery.accept(message.getMessageObject());
        }

        @Override
        public long retrieveInitialSequence() {
            return -1;
        }

        @Override
        public void storeSequence(long sequence) {
        }

        @Override
        public boolean isLossTolerant() {
            return true;
        }

        @Override
        public boolean isTerminal(Throwable failure) {
            LOG.warn("live: an update could not be delivered: {}", failure.toString());
            return false;
        }
    }
}

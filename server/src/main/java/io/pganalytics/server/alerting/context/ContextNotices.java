package io.pganalytics.server.alerting.context;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells every node that a part of the context changed (Hazelcast topic {@value #TOPIC}, carrying the part's name), so
 * that each node's cached copy is reloaded within a second or so; the caches also reload after their time to live,
 * should a notice be lost.
 */
final class ContextNotices implements AutoCloseable {
    static final String TOPIC = "pga.alerting-context";
    static final String INSTANCES = "instances";
    static final String SUPPRESSIONS = "suppressions";
    static final String ONCALL = "oncall";
    private static final Logger LOG = LoggerFactory.getLogger(ContextNotices.class);

    private final ITopic<String> topic;
    private final UUID registration;
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();

    ContextNotices(HazelcastInstance hazelcast) {
        this.topic = hazelcast.getTopic(TOPIC);
        this.registration = topic.addMessageListener(message -> heard(message.getMessageObject()));
    }

    void listen(String part, Runnable invalidate) {
        listeners.computeIfAbsent(part, p -> new CopyOnWriteArrayList<>()).add(invalidate);
    }

    /** After a committed change: invalidates this node's copy at once and tells the others. */
    void changed(String part) {
        heard(part);
        try {
            topic.publish(part);
        } catch (RuntimeException e) {
            LOG.warn("alerting context {}: other nodes were not told of a change (they see it when their copy expires): {}", part, e.toString());
        }
    }

    private void heard(String part) {
        listeners.getOrDefault(part, List.of()).forEach(Runnable::run);
    }

    @Override
    public void close() {
        try {
            topic.removeMessageListener(registration);
        } catch (RuntimeException e) {
            LOG.debug("alerting context: removing the topic listener: {}", e.toString());
        }
    }
}

package io.pganalytics.server.crypto;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.MessageListener;
import io.pganalytics.common.crypto.KeyEncryptionKeys;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Rotation without downtime: a new data key (wrapped by a new key-encryption key version where the provider can make
 * one) becomes current in the database, and every node is told on the Hazelcast topic {@value #TOPIC} to reread it at
 * once; each node also rereads it every minute in case it missed the message (it was partitioned, or starting). Until
 * a node has reread, it seals under the previous key, which stays active: nothing fails, the re-wrap job moves those
 * values later. A node meeting a key it has not loaded loads it from the table ({@link KeyService}).
 */
final class KeyRotation implements AutoCloseable {
    static final String TOPIC = "pga.crypto.keys";
    static final Duration RELOAD = Duration.ofMinutes(1);
    private static final String RETIRED = "retired:";
    private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);

    private final KeyService keys;
    private final ITopic<String> topic;
    private final String node;
    private final Clock clock;
    private final ScheduledExecutorService reloader;
    private volatile UUID listener;

    /** What a rotation made current. */
    record Rotation(int dataKey, int kekVersion, boolean kekVersionCreated) {
    }

    KeyRotation(KeyService keys, HazelcastInstance hazelcast, String node, Clock clock) {
        this.keys = keys;
        this.topic = hazelcast.getTopic(TOPIC);
        this.node = node;
        this.clock = clock;
        this.reloader = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pga-key-reload-" + node).factory());
    }

    void start() {
        MessageListener<String> onMessage = this::received;
        listener = topic.addMessageListener(onMessage);
        reloader.scheduleWithFixedDelay(this::reloadQuietly, RELOAD.toMillis(), RELOAD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Makes a new data key current on every node.
     *
     * @param newKekVersion also create a key-encryption key version (null: where the provider can)
     * @throws ApiException conflict when a new version is asked for and the provider cannot create one
     */
    synchronized Rotation rotate(Boolean newKekVersion, String by) {
        return rotate(newKekVersion, by, Jdbc.Then.nothing());
    }

    /** As {@link #rotate(Boolean, String)}, running {@code then} with the new key in its transaction, before the commit. */
    synchronized Rotation rotate(Boolean newKekVersion, String by, Jdbc.Then<DataKeyRepository.Row> then) {
        KeyEncryptionKeys kek = keys.kek();
        if (Boolean.TRUE.equals(newKekVersion) && !kek.canManage()) {
            throw ApiException.conflict("the key-encryption key provider " + kek.kind() + " at " + kek.location()
                    + " cannot create versions here (a read-only key store): rotate the data key only (newKekVersion false),"
                    + " or provision a new version there and rotate again");
        }
        boolean create = !Boolean.FALSE.equals(newKekVersion) && kek.canManage();
        int version = create ? kek.createVersion() : keys.latestKekVersion();
        DataKeyRepository.Row row = keys.repository().createCurrent(keys.newKey(version), by + " on " + node, clock.instant(), false,
                then);
        keys.reloadCurrent();
        LOG.info("encryption: rotation by {}: data key {} is current, wrapped by key-encryption key version {}{}", by, row.id(), version,
                create ? " (created)" : "");
        topic.publish(Integer.toString(row.id()));
        return new Rotation(row.id(), version, create);
    }

    /** Tells every node that a data key was retired, so that each forgets its unwrapped copy. */
    void retired(int dataKey) {
        keys.forget(dataKey);
        topic.publish(RETIRED + dataKey);
    }

    private void received(Message<String> message) {
        String body = message.getMessageObject();
        if (body.startsWith(RETIRED)) {
            keys.forget(Integer.parseInt(body.substring(RETIRED.length())));
            return;
        }
        if (!reloader.isShutdown()) {
            reloader.execute(this::reloadQuietly);
        }
    }

    /** The reloader thread's root: a failure is logged, the next message or minute tries again. */
    private void reloadQuietly() {
        try {
            keys.reloadCurrent();
        } catch (RuntimeException e) {
            LOG.warn("encryption: cannot reread the current data key, sealing with data key {} until the next try: {}",
                    keys.currentKeyId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        UUID id = listener;
        if (id != null) {
            try {
                topic.removeMessageListener(id);
            } catch (RuntimeException e) { // the member is stopping
                LOG.debug("encryption: topic listener not removed: {}", e.toString());
            }
        }
        reloader.shutdownNow();
    }
}

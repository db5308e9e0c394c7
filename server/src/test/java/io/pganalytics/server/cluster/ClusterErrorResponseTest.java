package io.pganalytics.server.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.helidon.common.SerializationConfig;
import io.pganalytics.server.testing.HazelcastMembers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server's JVM runs with the deserialization filter that Helidon installs when its web server starts (reject all but
 * an allow-list). Hazelcast sends an operation's failure back to the caller as a Java-serialized exception: if the
 * filter rejects it, the caller never hears back, and whatever waited on it (a partition migration, a lease, an entry
 * processor) waits until a timeout or for ever. This is what left two-member clusters "not safe" in long test runs.
 */
@Tag("fault-and-attack")
class ClusterErrorResponseTest {
    private static ClusterModule a;
    private static ClusterModule b;

    @BeforeAll
    static void start() {
        SerializationConfig.configureRuntime();
        HazelcastMembers cluster = new HazelcastMembers(2);
        a = cluster.start(0, 1);
        b = cluster.start(1, 2);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aFailureOnAnotherMemberReachesTheCallerUnderTheServersSerialFilter() {
        IMap<String, String> map = a.hazelcast().getMap("pga.test-error-response");
        String keyOwnedByB = null;
        for (int i = 0; keyOwnedByB == null; i++) {
            String key = "key-" + i;
            if (b.hazelcast().getCluster().getLocalMember()
                    .equals(a.hazelcast().getPartitionService().getPartition(key).getOwner())) {
                keyOwnedByB = key;
            }
        }
        String key = keyOwnedByB;
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> map.submitToKey(key, new Refuse()).toCompletableFuture().get(20, TimeUnit.SECONDS),
                "the remote failure comes back (a timeout here means its answer was dropped)");
        assertInstanceOf(IllegalStateException.class, failed.getCause(), failed.toString());
        assertTrue(failed.getCause().getMessage().contains("refused on purpose"), failed.getCause().getMessage());
    }

    /** Fails on the member that owns the key. */
    static final class Refuse implements EntryProcessor<String, String, String>, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public String process(Map.Entry<String, String> entry) {
            throw new IllegalStateException("refused on purpose");
        }
    }
}

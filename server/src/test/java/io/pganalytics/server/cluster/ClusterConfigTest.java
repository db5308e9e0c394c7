package io.pganalytics.server.cluster;

import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster's failure detection settings: LAN defaults, a majority quorum of three or more members, contradictions refused. */
class ClusterConfigTest {
    private static ClusterConfig read(Map<String, String> flags) {
        return ClusterConfig.from(ConfigLoader.load(null, Map.of(), flags).get("cluster"));
    }

    @Test
    void theDefaultsDetectALostMemberInTenSecondsAndBoundARequestsWaitToOne() {
        ClusterConfig.Timeouts timeouts = read(Map.of()).timeouts();
        assertEquals(Duration.ofSeconds(1), timeouts.heartbeatInterval());
        assertEquals(Duration.ofSeconds(10), timeouts.memberTimeout());
        assertEquals(Duration.ofSeconds(5), timeouts.callTimeout());
        assertEquals(Duration.ofSeconds(1), timeouts.requestWait());
        assertEquals(Duration.ofSeconds(5), timeouts.mergeInterval());
        assertEquals(1, timeouts.minSize(), "a single node needs no one else");
    }

    @Test
    void theQuorumIsAMajorityOfThreeOrMoreListedMembersAndOneOfTwo() {
        assertEquals(2, read(Map.of("cluster.join", "members", "cluster.members", "a:5701,b:5701,c:5701")).timeouts().minSize());
        assertEquals(3, read(Map.of("cluster.join", "members", "cluster.members", "a:1,b:1,c:1,d:1,e:1")).timeouts().minSize());
        assertEquals(1, read(Map.of("cluster.join", "members", "cluster.members", "a:5701,b:5701")).timeouts().minSize(),
                "with two, a dead peer and a cut network look the same: either node alone must go on serving");
        assertEquals(3, read(Map.of("cluster.join", "members", "cluster.members", "a:1,b:1", "cluster.min-size", "3"))
                .timeouts().minSize(), "set explicitly");
    }

    @Test
    void theSettingsReachTheMembersConfiguration() {
        var hz = ClusterModule.hazelcastConfig(read(Map.of("cluster.member-timeout", "12s", "cluster.call-timeout", "7s",
                "cluster.request-wait", "250ms")), "node-1");
        assertEquals("1", hz.getProperty("hazelcast.heartbeat.interval.seconds"));
        assertEquals("12", hz.getProperty("hazelcast.max.no.heartbeat.seconds"));
        assertEquals("7000", hz.getProperty("hazelcast.operation.call.timeout.millis"));
        assertEquals("5", hz.getProperty("hazelcast.merge.next.run.delay.seconds"));
        assertEquals("250", hz.getProperty(ClusterCalls.REQUEST_WAIT_PROPERTY));
    }

    @Test
    void aMemberTimeoutShorterThanTwoHeartbeatsIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> read(Map.of("cluster.heartbeat-interval", "3s", "cluster.member-timeout", "5s")));
        assertEquals("cluster.member-timeout", e.key());
        assertTrue(e.getMessage().contains("at least twice cluster.heartbeat-interval"), e.getMessage());
    }
}

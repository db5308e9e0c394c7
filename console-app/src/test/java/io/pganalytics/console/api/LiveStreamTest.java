package io.pganalytics.console.api;

import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.LiveUpdate;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.BlackholeRelay;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.console.testing.Workload;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live stream over real HTTPS to a real server whose heartbeat comes every 100 ms, through a relay that can
 * silently stop forwarding (a dead network path: no reset, no FIN, nothing).
 */
@Tag("fault-and-attack")
class LiveStreamTest {
    private static final Duration STALE_AFTER = Duration.ofSeconds(1);
    private static TestServer server;
    private static long instanceId;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = TestServer.start("console_live", Map.of("live.heartbeat", "100ms"));
        Workload workload = Workload.register(server);
        workload.send(Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60), 600, 12);
        ServerAddress direct = ServerAddress.parse(server.url());
        try (ConsoleApi api = pinned(new HttpConnector(new ConsoleHome(TestServers.tempDir())), direct)) {
            api.login("admin", TestServers.ADMIN_PASSWORD);
            instanceId = api.instances(100).items().stream().filter(i -> i.name().equals(Workload.INSTANCE))
                    .map(InstanceSummary::id).findFirst().orElseThrow();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aStreamThatFallsSilentIsMarkedStaleAndReconnectsWhenThePathHeals() {
        try (BlackholeRelay relay = new BlackholeRelay(server.port())) {
            ServerAddress viaRelay = ServerAddress.parse("https://127.0.0.1:" + relay.port());
            HttpConsoleApi api = (HttpConsoleApi) pinned(new HttpConnector(new ConsoleHome(home)), viaRelay);
            api.login("admin", TestServers.ADMIN_PASSWORD);
            Recorder recorder = new Recorder();
            try (LiveStream stream = LiveStream.open(api, instanceId, recorder, STALE_AFTER)) {
                waitUntil(() -> recorder.states.contains(LiveListener.State.LIVE), "live at first");
                long atLive = relay.bytesToClients();
                int connections = relay.accepted();
                // About 40 heartbeats: several times the stale limit, carried by the one connection.
                waitUntil(() -> relay.bytesToClients() - atLive > 2_000, "heartbeats flowing");
                assertEquals(List.of(LiveListener.State.CONNECTING, LiveListener.State.LIVE), recorder.states,
                        "heartbeats keep a quiet stream live");
                assertEquals(connections, relay.accepted(), "one connection while heartbeats flow");

                relay.blackhole();
                waitUntil(() -> recorder.states.contains(LiveListener.State.STALE), "stale after the heartbeats stop");
                String detail = recorder.details.get(recorder.states.indexOf(LiveListener.State.STALE));
                assertTrue(detail.startsWith("No heartbeat from the server for 1 s; next try in "), detail);

                relay.heal();
                waitUntil(() -> recorder.states.lastIndexOf(LiveListener.State.LIVE) > recorder.states.indexOf(LiveListener.State.STALE),
                        "live again on a new connection");
                assertTrue(relay.accepted() > connections, "a new connection was opened");
            }
            waitUntil(() -> recorder.states.getLast() == LiveListener.State.CLOSED, "closed");
            api.close();
        }
    }

    private static ConsoleApi pinned(HttpConnector connector, ServerAddress address) {
        connector.trust(connector.probe(address));
        return connector.open(address);
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static final class Recorder implements LiveListener {
        final List<State> states = new CopyOnWriteArrayList<>();
        final List<String> details = new CopyOnWriteArrayList<>();

        @Override
        public void update(LiveUpdate update) {
        }

        @Override
        public synchronized void state(State state, String detail) {
            details.add(detail);
            states.add(state);
        }
    }
}

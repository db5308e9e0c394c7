package io.pganalytics.collector.schedule;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions.Instance;
import io.pganalytics.collector.target.ConnectionSettings;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class CollectionSchedulerTest {
    private static final int MAJOR = 17;

    /** Only these families run; the others are disabled to keep the test's timing readable. */
    private static ScheduleSettings settings(Map<String, Duration> intervals, ConnectionSettings connections) {
        Set<String> disabled = MetricCatalog.ALL.stream().map(Family::name)
                .filter(name -> !intervals.containsKey(name)).collect(Collectors.toSet());
        return new ScheduleSettings(intervals, disabled, connections, null, Duration.ofMillis(500), Duration.ofSeconds(2),
                Duration.ofMinutes(10), false);
    }

    @Test
    void aTargetThatNeverAnswersDoesNotStarveAHealthyOneAndBacksOff() throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(MAJOR);
        RecordingSink sink = new RecordingSink();
        try (HangingServer hanging = new HangingServer()) {
            TargetSpec slow = new TargetSpec("slow", "127.0.0.1", hanging.port(), "postgres", "u", null, List.of(), List.of(), 0, Map.of());
            ScheduleSettings settings = settings(Map.of("activity", Duration.ofMillis(200), "database", Duration.ofMillis(500)),
                    new ConnectionSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30)));
            try (CollectionScheduler scheduler = new CollectionScheduler(List.of(slow, pg.target("healthy")), 2, sink,
                    Clock.systemUTC(), settings)) {
                scheduler.start();
                await(() -> sink.count("healthy", "activity") >= 25, Duration.ofSeconds(30));
                List<Instant> times = sink.times("healthy", "activity");
                Duration largestGap = Duration.ZERO;
                for (int i = 1; i < times.size(); i++) {
                    Duration gap = Duration.between(times.get(i - 1), times.get(i));
                    largestGap = gap.compareTo(largestGap) > 0 ? gap : largestGap;
                }
                assertTrue(largestGap.compareTo(Duration.ofMillis(1500)) < 0, "healthy target starved for " + largestGap);
                FamilyRunStats slowActivity = stats(scheduler, "slow", "activity");
                assertEquals(0, slowActivity.runs(), "nothing runs on a target that was never probed");
                assertTrue(slowActivity.deferredTicks() > 0);
                assertTrue(hanging.accepted() >= 2, "the slow target is retried");
                assertTrue(hanging.accepted() <= 10, "the slow target backs off: " + hanging.accepted() + " attempts");
            }
        }
    }

    @Test
    void aNewTargetIsCollectedAsSoonAsItIsProbedEvenForFamiliesWithLongIntervals() throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(MAJOR);
        RecordingSink sink = new RecordingSink();
        ScheduleSettings settings = settings(Map.of("instance", Duration.ofHours(1), "database", Duration.ofHours(1)),
                new ConnectionSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30)));
        try (CollectionScheduler scheduler = new CollectionScheduler(List.of(pg.target("fresh")), 2, sink, Clock.systemUTC(), settings)) {
            scheduler.start();
            await(() -> sink.count("fresh", "instance") >= 1, Duration.ofSeconds(20));
            await(() -> stats(scheduler, "fresh", "database").runs() >= 1, Duration.ofSeconds(20));
        }
    }

    @Test
    void aFamilyNeverOverlapsItselfAndItsMissedTicksAreSkippedNotQueued() throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(MAJOR);
        pg.execute("postgres", "DROP DATABASE IF EXISTS sched_lock", "CREATE DATABASE sched_lock");
        pg.execute("sched_lock", "CREATE TABLE held (id int)");
        TargetSpec target = pg.target("blocked").withDatabases(List.of("sched_lock"), List.of(), 5);
        ScheduleSettings settings = settings(Map.of("tables", Duration.ofMillis(300), "activity", Duration.ofMillis(300)),
                new ConnectionSettings(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(25), Duration.ofSeconds(30)));
        RecordingSink sink = new RecordingSink();
        try (Connection locker = pg.admin("sched_lock").getConnection();
             CollectionScheduler scheduler = new CollectionScheduler(List.of(target), 4, sink, Clock.systemUTC(), settings)) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE held IN ACCESS EXCLUSIVE MODE");
            }
            scheduler.start();
            await(() -> stats(scheduler, "blocked", "tables").skippedTicks() >= 6, Duration.ofSeconds(30));
            long activityBefore = stats(scheduler, "blocked", "activity").runs();
            await(() -> stats(scheduler, "blocked", "activity").runs() >= activityBefore + 3, Duration.ofSeconds(30));
            assertEquals(0, stats(scheduler, "blocked", "tables").runs(), "the blocked collection is still running");
            locker.commit();
            await(() -> stats(scheduler, "blocked", "tables").runs() >= 1, Duration.ofSeconds(30));
            long runsJustAfter = stats(scheduler, "blocked", "tables").runs();
            assertTrue(runsJustAfter <= 2, "missed ticks were queued: " + runsJustAfter + " runs at once");
            await(() -> stats(scheduler, "blocked", "tables").runs() >= 3, Duration.ofSeconds(30));
            for (FamilyRunStats stats : scheduler.stats()) {
                assertEquals(stats.runs() > 0 ? 1 : 0, stats.maxConcurrentRuns(), stats.family() + " overlapped itself");
            }
            assertEquals(0, stats(scheduler, "blocked", "tables").errors());
        }
    }

    @Test
    void aTargetWorksWithinAConnectionLimitOfTwoEvenWithManyThreadsAndDatabases() throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(MAJOR);
        for (int i = 0; i < 4; i++) {
            pg.execute("postgres", "DROP DATABASE IF EXISTS conn_" + i, "CREATE DATABASE conn_" + i);
            pg.execute("conn_" + i, "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 100)");
        }
        Map<String, Duration> fast = MetricCatalog.ALL.stream().map(Family::name)
                .collect(Collectors.toMap(name -> name, name -> Duration.ofMillis(150)));
        ScheduleSettings settings = settings(fast, ConnectionSettings.DEFAULTS);
        RecordingSink sink = new RecordingSink();
        // PostgreSQL itself refuses the role a third connection: any attempt to hold more than two fails a collection
        pg.execute("postgres", "ALTER ROLE " + EmbeddedPostgresVersions.COLLECTOR_ROLE + " CONNECTION LIMIT 2");
        try (CollectionScheduler scheduler = new CollectionScheduler(List.of(pg.target("two")), 16, sink, Clock.systemUTC(), settings)) {
            scheduler.start();
            await(() -> sink.count("two", "tables") >= 8 && sink.count("two", "indexes") >= 8
                    && sink.count("two", "activity") >= 8, Duration.ofSeconds(30));
            List<FamilyRunStats> stats = scheduler.stats();
            assertEquals(0, stats.stream().mapToLong(FamilyRunStats::errors).sum(), "failed collections: " + stats);
            assertTrue(stats.stream().mapToLong(FamilyRunStats::skippedTicks).sum() > 0,
                    "with 150 ms intervals some ticks find their family still running");
        } finally {
            pg.execute("postgres", "ALTER ROLE " + EmbeddedPostgresVersions.COLLECTOR_ROLE + " CONNECTION LIMIT -1");
        }
    }

    @Test
    void threadCountIsClampedToOneToSixteen() {
        SnapshotSink sink = snapshots -> { };
        assertEquals(1, new CollectionScheduler(List.of(), 0, sink, Clock.systemUTC(), ScheduleSettings.DEFAULTS).threads());
        assertEquals(16, new CollectionScheduler(List.of(), 64, sink, Clock.systemUTC(), ScheduleSettings.DEFAULTS).threads());
        assertEquals(8, new CollectionScheduler(List.of(), 8, sink, Clock.systemUTC(), ScheduleSettings.DEFAULTS).threads());
    }

    private static FamilyRunStats stats(CollectionScheduler scheduler, String target, String family) {
        return scheduler.stats().stream().filter(s -> s.target().equals(target) && s.family().equals(family))
                .findFirst().orElseThrow(() -> new AssertionError("no stats for " + target + "/" + family));
    }

    private static void await(Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Records what the scheduler publishes; returns at once, like the spool's batcher. */
    static final class RecordingSink implements SnapshotSink {
        private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();

        @Override
        public void publish(List<Snapshot> published) {
            snapshots.addAll(published);
        }

        long count(String target, String family) {
            return snapshots.stream().filter(s -> s.target().name().equals(target) && s.family().equals(family)).count();
        }

        List<Instant> times(String target, String family) {
            return snapshots.stream().filter(s -> s.target().name().equals(target) && s.family().equals(family))
                    .map(Snapshot::collectedAt).sorted().toList();
        }
    }

    /** A TCP server that accepts connections and never says a word: a PostgreSQL that hangs. */
    static final class HangingServer implements AutoCloseable {
        private final ServerSocket server;
        private final Set<Socket> sockets = java.util.Collections.synchronizedSet(new HashSet<>());
        private final AtomicInteger accepted = new AtomicInteger();

        HangingServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        sockets.add(server.accept());
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "hanging-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }
}

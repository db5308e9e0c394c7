package io.pganalytics.collector.host;

import io.pganalytics.collector.catalog.CollectContext;
import io.pganalytics.collector.catalog.FamilyCollector;
import io.pganalytics.collector.config.CollectorConfig;
import io.pganalytics.collector.config.ConfigException;
import io.pganalytics.collector.config.ConfigLoader;
import io.pganalytics.collector.target.QueryTimer;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * host.proc-root: host families read the /proc tree the setting names (a DaemonSet mounts the node's /proc at
 * /host/proc), and the real /proc by default. The fake tree is a real directory of real files in /proc's format.
 */
class HostProcRootTest {
    private static final TargetSpec LOCAL = new TargetSpec("local", "127.0.0.1", 5432, "postgres", "u", null, List.of(), List.of(), 0,
            Map.of());
    private static final String TARGETS = """
            targets:
              - name: local
                url: postgresql://mon@localhost:5432/postgres
            """;

    @TempDir
    Path dir;

    @Test
    void hostFamiliesReadTheProcTreeThatHostProcRootNames() throws Exception {
        Path node = dir.resolve("host/proc");
        Files.createDirectories(node.resolve("net"));
        Files.writeString(node.resolve("stat"), "cpu  100 0 50 1000 0 0 0 0 0 0\ncpu0 100 0 50 1000 0 0 0 0 0 0\nctxt 42\n");
        Files.writeString(node.resolve("meminfo"), "MemTotal:       7777 kB\nMemFree:        1111 kB\nMemAvailable:   2222 kB\n");
        Files.writeString(node.resolve("loadavg"), "3.25 2.50 1.75 7/654 4321\n");
        Files.writeString(node.resolve("diskstats"), "");
        Files.writeString(node.resolve("net/dev"), "Inter-|\n face |\n");
        CollectorConfig config = ConfigLoader.parse("host:\n  proc-root: " + node + "\n" + TARGETS, Map.of("HOME", dir.toString()), dir);
        assertEquals(node, config.host().procRoot());

        Map<String, FamilyCollector> collectors = byName(HostCollectors.create(LOCAL, config.host()));
        assertEquals(List.of(3.25, 2.50, 1.75, 7L, 654L), collect(collectors.get("host_load")).rows().getFirst(),
                "the node's load, not this machine's");
        assertEquals(7777L * 1024, collect(collectors.get("host_memory")).rows().getFirst().getFirst());
        assertEquals(node.resolve("loadavg").toString(), collectors.get("host_load").availability(null).detail());
    }

    @Test
    void withoutTheSettingHostFamiliesReadTheRealProc() throws Exception {
        CollectorConfig config = ConfigLoader.parse(TARGETS, Map.of("HOME", dir.toString()), dir);
        assertEquals(Path.of("/proc"), config.host().procRoot());

        Map<String, FamilyCollector> collectors = byName(HostCollectors.create(LOCAL, config.host()));
        long memTotal = ProcParsers.memory(Files.readString(Path.of("/proc/meminfo"))).getFirst() instanceof Long total ? total : -1;
        assertTrue(memTotal > 0);
        assertEquals(memTotal, collect(collectors.get("host_memory")).rows().getFirst().getFirst(), "this machine's MemTotal");
        assertEquals("/proc/loadavg", collectors.get("host_load").availability(null).detail());
    }

    @Test
    void aProcRootThatIsNotAProcTreeIsRefusedNamingTheKey() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        for (String root : List.of(dir.resolve("missing").toString(), dir.resolve("empty").toString())) {
            ConfigException refused = assertThrows(ConfigException.class,
                    () -> ConfigLoader.parse("host:\n  proc-root: " + root + "\n" + TARGETS, Map.of("HOME", dir.toString()), dir));
            assertTrue(refused.getMessage().contains("host.proc-root"), refused.getMessage());
        }
        ConfigException typo = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("host:\n  proc-rot: /proc\n" + TARGETS, Map.of("HOME", dir.toString()), dir));
        assertTrue(typo.getMessage().contains("host.proc-rot"), typo.getMessage());
    }

    private static Map<String, FamilyCollector> byName(List<FamilyCollector> collectors) {
        return collectors.stream().collect(java.util.stream.Collectors.toMap(c -> c.family().name(), c -> c));
    }

    private static Snapshot collect(FamilyCollector collector) throws Exception {
        assertTrue(List.of(MetricCatalog.HOST_LOAD, MetricCatalog.HOST_MEMORY).contains(collector.family()), "gauges: one sample is enough");
        List<Snapshot> snapshots = collector.collect(new CollectContext(new TargetRef("1", "local", "127.0.0.1", 5432), null, null,
                Clock.systemUTC(), Duration.ofSeconds(5), new QueryTimer()));
        assertEquals(1, snapshots.size());
        return snapshots.getFirst();
    }
}

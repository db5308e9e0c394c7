package io.pganalytics.collector.host;

import io.pganalytics.collector.catalog.FamilyCollector;
import io.pganalytics.collector.target.TargetSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcParsersTest {
    private static Path proc() throws URISyntaxException {
        return Path.of(ProcParsersTest.class.getResource("/proc/stat").toURI()).getParent();
    }

    private static String read(String file) throws Exception {
        return Files.readString(proc().resolve(file));
    }

    @Test
    void cpuLineBecomesSecondsPerModeWithTheCpuCount() throws Exception {
        List<Object> cpu = ProcParsers.cpu(read("stat"));
        assertEquals(4L, cpu.get(0));
        assertEquals(10132.53, (Double) cpu.get(1), 1e-9);
        assertEquals(8.5, (Double) cpu.get(2), 1e-9);
        assertEquals(3120.0, (Double) cpu.get(3), 1e-9);
        assertEquals(3961234.0 / 100, (Double) cpu.get(4), 1e-9);
        assertEquals(1.21, (Double) cpu.get(8), 1e-9);
        assertEquals(987654321L, cpu.get(9));
    }

    @Test
    void meminfoKilobytesBecomeBytes() throws Exception {
        List<Object> memory = ProcParsers.memory(read("meminfo"));
        assertEquals(16_314_236L * 1024, memory.get(0));
        assertEquals(10_943_752L * 1024, memory.get(2));
        assertEquals(0L, memory.get(9));
    }

    @Test
    void loadavgGivesLoadsRunningAndProcesses() throws Exception {
        assertEquals(List.of(0.52, 0.58, 0.59, 2L, 1234L), ProcParsers.load(read("loadavg")));
    }

    @Test
    void diskstatsKeepsWholeDevicesAndCountsBytesFromSectors() throws Exception {
        List<List<Object>> disks = ProcParsers.disks(read("diskstats"));
        assertEquals(List.of("sda", "nvme0n1"), disks.stream().map(r -> r.get(0)).toList());
        List<Object> sda = disks.getFirst();
        assertEquals(List.of("sda", 52418L, 1_907_682L * 512, 31542L, 119624L, 5_234_768L * 512, 301220L, 0L, 151060L, 332762L), sda);
    }

    @Test
    void netDevSkipsLoopbackAndReadsReceiveAndTransmitCounters() throws Exception {
        List<List<Object>> interfaces = ProcParsers.network(read("net/dev"));
        assertEquals(1, interfaces.size());
        assertEquals(List.of("eth0", 987_654_321L, 654_321L, 1L, 2L, 123_456_789L, 234_567L, 3L, 4L), interfaces.getFirst());
    }

    @Test
    void hostFamiliesAreUnavailableForARemoteTarget() throws Exception {
        TargetSpec remote = new TargetSpec("r", "db.example.com", 5432, "postgres", "u", null, List.of(), List.of(), 0, Map.of());
        for (FamilyCollector collector : HostCollectors.create(remote, proc())) {
            assertFalse(collector.availability(null).available(), collector.family().name());
        }
        TargetSpec local = new TargetSpec("l", "127.0.0.1", 5432, "postgres", "u", null, List.of(), List.of(), 0, Map.of());
        for (FamilyCollector collector : HostCollectors.create(local, proc())) {
            assertTrue(collector.availability(null).available(), collector.family().name());
        }
    }

    @Test
    void fileSystemUsageOfAPathIsItsStoresSizes() throws IOException {
        List<Object> row = FileSystems.usage(Path.of(System.getProperty("java.io.tmpdir"))).getFirst();
        assertTrue((Long) row.get(3) > 0);
        assertTrue((Long) row.get(4) >= 0);
        assertTrue((Long) row.get(5) <= (Long) row.get(3));
    }
}

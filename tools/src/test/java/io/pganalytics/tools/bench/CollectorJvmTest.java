package io.pganalytics.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CollectorJvmTest {
    @Test
    void heapInUseIsTheSumOfTheGenerationsOfASerialHeap() {
        String info = """
                12345:
                DefNew     total 4928K, used 1751K [0x00000000fc000000, 0x00000000fc550000, 0x00000000fd550000)
                 eden space 4416K,  28% used [0x00000000fc000000, 0x00000000fc135c90, 0x00000000fc450000)
                 from space 512K, 100% used [0x00000000fc450000, 0x00000000fc4d0000, 0x00000000fc4d0000)
                Tenured    total 11520K, used 11474K [0x00000000fd550000, 0x00000000fe090000, 0x0000000100000000)
                 the  space 11520K,  99% used [0x00000000fd550000, 0x00000000fe0848b0, 0x00000000fe090000)
                 Metaspace       used 17900K, committed 18048K, reserved 1114112K
                """;
        assertEquals((1751 + 11474) * 1024L, CollectorJvm.usedBytes(info));
    }

    @Test
    void heapInUseOfAG1HeapAndOfAnAnswerWithoutHeap() {
        assertEquals(9000 * 1024L, CollectorJvm.usedBytes(
                " garbage-first heap   total 262144K, used 9000K [0x0000000700000000, 0x0000000800000000)\n"
                        + "  region size 1024K, 3 young (3072K), 1 survivors (1024K)\n"));
        assertEquals(-1, CollectorJvm.usedBytes("12345:\nAttachNotSupportedException"));
    }

    @Test
    void recommendedHeapGrowsWithTheTargetsBeyondEight() {
        assertEquals(64, CollectorJvm.recommendedHeapMebibytes(1));
        assertEquals(64, CollectorJvm.recommendedHeapMebibytes(8));
        assertEquals(232, CollectorJvm.recommendedHeapMebibytes(50));
        List<String> options = CollectorJvm.of(null, "").optionsFor(50);
        assertTrue(options.contains("-Xmx232m"), options.toString());
        assertTrue(options.contains("-XX:TieredStopAtLevel=1"), options.toString());
    }

    @Test
    void optionsOfTheUserAreTakenAsTheyAre() {
        CollectorJvm jvm = CollectorJvm.of("-Xmx300m  -XX:+UseSerialGC", "MALLOC_ARENA_MAX=4 X=a=b");
        assertEquals(List.of("-Xmx300m", "-XX:+UseSerialGC"), jvm.optionsFor(50));
        assertEquals(Map.of("MALLOC_ARENA_MAX", "4", "X", "a=b"), jvm.environment());
        assertThrows(IllegalArgumentException.class, () -> CollectorJvm.of("", "MALLOC_ARENA_MAX"));
    }
}

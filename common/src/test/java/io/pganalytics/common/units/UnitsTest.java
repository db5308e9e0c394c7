package io.pganalytics.common.units;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("fault-and-attack")
class UnitsTest {
    @Test
    void durationsReadEveryUnitInAnyCaseWithBlanksAndABareNumberIsSeconds() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMillis(500), Durations.parse(" 500 MS "));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30S"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30"));
        assertEquals(Duration.ofMinutes(15), Durations.parse("15m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2H"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
        assertEquals(Duration.ofMinutes(15), Durations.parse("PT15M"));
        assertEquals(Duration.ofDays(7), Durations.parse("P7D"));
        assertEquals(Duration.ofDays(7), Durations.parse("p7d"));
    }

    @Test
    void durationsAreWrittenInTheirLargestWholeUnitAndReadBackTheSame() {
        assertEquals("14d", Durations.format(Duration.ofDays(14)));
        assertEquals("36h", Durations.format(Duration.ofHours(36)));
        assertEquals("90m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("45s", Durations.format(Duration.ofSeconds(45)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("0s", Durations.format(Duration.ZERO));
        for (Duration d : List.of(Duration.ofDays(3650), Duration.ofSeconds(86_401), Duration.ofMillis(1500), Duration.ofNanos(7))) {
            assertEquals(d, Durations.parse(Durations.format(d)), d.toString());
        }
    }

    @Test
    void durationsRefuseNegativesFractionsUnknownUnitsMonthsAndOverflowNamingTheGrammar() {
        for (String bad : List.of("-5s", "1.5s", "5 minutes", "soon", "", "   ", "s", "5sec", "PT-5S", "P-1D", "1w")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon")).getMessage()
                .contains(Durations.EXAMPLES));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("P1M")).getMessage().contains("days"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("9223372036854775807d")).getMessage()
                .contains("too large"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999999999999s")).getMessage()
                .contains("too large"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    }

    @Test
    void sizesAreSiForKbMbGbAndIecForKibMibGibInAnyCase() {
        assertEquals(256_000_000L, ByteSizes.parse("256MB"));
        assertEquals(268_435_456L, ByteSizes.parse("256MiB"));
        assertEquals(256_000_000L, ByteSizes.parse("256mb"));
        assertEquals(268_435_456L, ByteSizes.parse("256 mib"));
        assertEquals(1000L, ByteSizes.parse("1KB"));
        assertEquals(1024L, ByteSizes.parse("1KiB"));
        assertEquals(1_000_000_000L, ByteSizes.parse("1GB"));
        assertEquals(1L << 30, ByteSizes.parse("1GiB"));
        assertEquals(1_000_000_000_000L, ByteSizes.parse("1TB"));
        assertEquals(1L << 40, ByteSizes.parse("1TiB"));
        assertEquals(1_048_576L, ByteSizes.parse(" 1048576 "));
        assertEquals(12L, ByteSizes.parse("12B"));
        assertEquals(0L, ByteSizes.parse("0"));
    }

    @Test
    void sizesRefuseNegativesFractionsAmbiguousLettersAndOverflowNamingTheUnitsMeaning() {
        for (String bad : List.of("-1", "-1MiB", "1.5GiB", "lots", "", "MiB", "16m", "16k", "16g", "16 bytes", "16PiB")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("16m")).getMessage()
                .contains("KB, MB, GB are powers of 1000"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("9000000000TiB")).getMessage()
                .contains("too large"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("99999999999999999999")).getMessage()
                .contains("too large"));
        assertEquals(Long.MAX_VALUE, ByteSizes.parse(String.valueOf(Long.MAX_VALUE)));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(null));
    }

    @Test
    void theNearestKeyIsTheOneFewestEditsAway() {
        List<String> keys = List.of("spool.max-bytes", "spool.segment-bytes", "spool.dir", "threads");
        assertEquals("spool.max-bytes", NearestKey.among("spool.max-byte", keys).orElseThrow());
        assertEquals("spool.max-bytes", NearestKey.among("spool.maxbytes", keys).orElseThrow());
        assertEquals("threads", NearestKey.among("thread", keys).orElseThrow());
        assertEquals(0, NearestKey.distance("abc", "abc"));
        assertEquals(3, NearestKey.distance("", "abc"));
        assertEquals(1, NearestKey.distance("kitten", "sitten"));
        assertEquals(3, NearestKey.distance("kitten", "sitting"));
        assertTrue(NearestKey.among("x", List.of()).isEmpty());
    }
}

package io.pganalytics.collector.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("fault-and-attack")
class CommandLineTest {
    private static Duration duration(String text) throws UsageException {
        return CommandLine.parse("simulate", List.of("--duration", text), Set.of("duration"), Set.of())
                .duration("duration", Duration.ZERO);
    }

    @Test
    void durationsOnTheCommandLineReadAsInCollectorYaml() throws Exception {
        assertEquals(Duration.ofDays(1), duration("1d"), "the YAML accepts 1d, so the command line does too");
        assertEquals(Duration.ofMinutes(15), duration("PT15M"));
        assertEquals(Duration.ofSeconds(10), duration("10"));
        assertEquals(Duration.ofMillis(500), duration("500MS"));
    }

    @Test
    void aBadOrZeroDurationIsAUsageErrorNamingTheOptionAndTheGrammar() {
        UsageException bad = assertThrows(UsageException.class, () -> duration("1.5s"));
        assertTrue(bad.getMessage().contains("--duration") && bad.getMessage().contains("examples: 500ms"), bad.getMessage());
        assertThrows(UsageException.class, () -> duration("-1s"));
        UsageException zero = assertThrows(UsageException.class, () -> duration("0s"));
        assertTrue(zero.getMessage().contains("must be positive"), zero.getMessage());
    }
}

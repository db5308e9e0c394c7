package io.pganalytics.tools.bench;

import io.pganalytics.collector.cli.UsageException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench --statement-texts}: its values, and the side-by-side table of two runs. */
class BenchReportSideBySideTest {
    @Test
    void anUnknownStatementTextsValueIsAUsageError() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        UsageException e = assertThrows(UsageException.class,
                () -> BenchCommand.run(List.of("--statement-texts", "sometimes"), sink, sink, "test"));
        assertTrue(e.getMessage().contains("off, on or both"), e.getMessage());
    }

    @Test
    void twoRunsArePrintedAsOneTableWithAColumnEach() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        BenchReport off = new BenchReport(null, out);
        BenchReport on = new BenchReport(null, out);
        BenchReport.printSideBySide(out, "encryption.statement-texts", List.of("off", "on"), List.of(off, on));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| figure | encryption.statement-texts off | encryption.statement-texts on |"), table);
    }
}

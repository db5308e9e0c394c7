package io.pganalytics.console.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.audit.AuditActor;
import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit screen's view-model in plain JUnit, IO on the calling thread against a fake client. */
class AuditViewModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

    private final FakeConsoleApi api = new FakeConsoleApi();
    private final Background background = Background.direct();
    private final List<String> chosen = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void theNewestRecordsAreListedAndTheChainsVerdictShown() {
        for (long seq = 1; seq <= 3; seq++) {
            api.audit.add(call(seq, "GET /api/v1/instances"));
        }
        AuditViewModel model = model();
        model.start();
        assertEquals(List.of(3L, 2L, 1L), seqs(model));
        assertTrue(model.verificationProperty().get().startsWith("Chain intact: records 1 to 1 verified"), model.verificationProperty().get());
        assertEquals("intact", model.verificationStateProperty().get());
        model.stop();
    }

    @Test
    void aNewRecordAppearsOnTopAtTheNextPollWithoutASearch() {
        api.audit.add(call(1, "GET /api/v1/instances"));
        AuditViewModel model = model();
        model.start();
        api.audit.add(change(2, json("{\"roles\":[\"viewer\"],\"enabled\":true}"), json("{\"roles\":[\"admin\"],\"enabled\":true}")));
        model.poll();
        assertEquals(List.of(2L, 1L), seqs(model));
        assertEquals("null/1 ", api.searches.getLast(), "the poll asks for what came after the head it knew");
        model.poll();
        assertEquals(List.of(2L, 1L), seqs(model), "nothing twice");
        model.stop();
    }

    @Test
    void filtersAreSentAndNarrowTheList() {
        api.audit.add(call(1, "GET /api/v1/instances"));
        api.audit.add(change(2, json("{\"enabled\":true}"), json("{\"enabled\":false}")));
        AuditViewModel model = model();
        model.start();
        model.categoryProperty().set("change");
        model.actionProperty().set("user.update");
        model.search();
        assertEquals(List.of(2L), seqs(model));
        assertEquals("null/null action=user.update&category=change", api.searches.getLast());
        assertTrue(model.summaryProperty().get().contains("matching the filters"), model.summaryProperty().get());
        model.clearFilters();
        assertEquals(List.of(2L, 1L), seqs(model));
        model.stop();
    }

    @Test
    void theDetailMarksChangedAddedAndRemovedFields() {
        api.audit.add(change(7, json("{\"roles\":[\"viewer\"],\"enabled\":true,\"displayName\":\"Bob\",\"settings\":{\"url\":\"ldap://a\"}}"),
                json("{\"roles\":[\"admin\"],\"enabled\":true,\"email\":\"bob@example.com\",\"settings\":{\"url\":\"ldap://b\"}}")));
        AuditViewModel model = model();
        model.start();
        model.selectedProperty().set(model.records().getFirst());
        assertEquals(List.of(
                new AuditDiff.Row("displayName", "Bob", null, AuditDiff.Change.REMOVED),
                new AuditDiff.Row("email", null, "bob@example.com", AuditDiff.Change.ADDED),
                new AuditDiff.Row("enabled", "true", "true", AuditDiff.Change.SAME),
                new AuditDiff.Row("roles", "[\"viewer\"]", "[\"admin\"]", AuditDiff.Change.CHANGED),
                new AuditDiff.Row("settings.url", "ldap://a", "ldap://b", AuditDiff.Change.CHANGED)), List.copyOf(model.diff()));
        assertEquals("4 fields differ (marked).", model.diffSummaryProperty().get());
        assertTrue(model.facts().contains(new AuditViewModel.Fact("Who", "alice")), model.facts().toString());
        assertEquals("", model.erasedProperty().get());
        model.stop();
    }

    @Test
    void aRecordWhosePersonalDataWasErasedSaysSoPlainly() {
        api.audit.add(new AuditRecordView(9, NOW, "node-a", "change", "user.update", "success",
                new AuditActor("user", "42", null, List.of("admin"), null, null), "user", "43", null, null, null,
                json("{}"), json("{\"enabled\":true}"), json("{\"enabled\":false}"), "43", "erased", "ab12"));
        AuditViewModel model = model();
        model.start();
        model.selectedProperty().set(model.records().getFirst());
        assertTrue(model.erasedProperty().get().startsWith("Personal data erased"), model.erasedProperty().get());
        assertTrue(model.facts().contains(new AuditViewModel.Fact("Who", "erased")), model.facts().toString());
        assertTrue(model.facts().contains(new AuditViewModel.Fact("From", "erased")), model.facts().toString());
        assertEquals("erased", AuditViewModel.who(model.records().getFirst()));
        model.stop();
    }

    @Test
    void aBrokenChainNamesTheFirstBadRecordAndTheProblem() {
        api.verification = new AuditVerification(false, 1, 100, 57, 57L, "altered", "record 57: its content does not match its hash",
                0, null, NOW, 3);
        AuditViewModel model = model();
        model.verify();
        assertEquals("broken", model.verificationStateProperty().get());
        assertEquals("Chain broken at record 57 (altered): record 57: its content does not match its hash", model.verificationProperty().get());
    }

    @Test
    void olderPagesComeOnDemandBelowTheList() {
        for (long seq = 1; seq <= AuditViewModel.PAGE + 5; seq++) {
            api.audit.add(call(seq, "GET /api/v1/instances"));
        }
        AuditViewModel model = model();
        model.start();
        assertEquals(AuditViewModel.PAGE, model.records().size());
        assertTrue(model.olderAvailableProperty().get());
        model.older();
        assertEquals(AuditViewModel.PAGE + 5, model.records().size());
        assertEquals(1L, model.records().getLast().seq());
        assertFalse(model.olderAvailableProperty().get());
        model.stop();
    }

    @Test
    void theExportGoesToTheChosenFileInTheChosenFormat() throws Exception {
        api.audit.add(call(1, "GET /api/v1/instances"));
        Path file = dir.resolve("audit.csv");
        AuditViewModel model = new AuditViewModel(new AuditService(api, background), (name, format) -> {
            chosen.add(name);
            return Optional.of(file);
        }, Clock.fixed(NOW, ZoneOffset.UTC));
        model.formatProperty().set("csv");
        model.export();
        assertEquals(List.of("audit-20261207-060000.csv"), chosen);
        assertTrue(api.calls.contains("export csv audit.csv"), api.calls.toString());
        assertTrue(Files.readString(file).startsWith("1 GET /api/v1/instances"));
        assertTrue(model.statusProperty().get().startsWith("Exported to " + file), model.statusProperty().get());
    }

    @Test
    void aCancelledSaveDialogExportsNothing() {
        AuditViewModel model = new AuditViewModel(new AuditService(api, background), (name, format) -> Optional.empty(),
                Clock.fixed(NOW, ZoneOffset.UTC));
        model.export();
        assertTrue(api.calls.stream().noneMatch(c -> c.startsWith("export")), api.calls.toString());
        assertEquals("", model.statusProperty().get());
    }

    private AuditViewModel model() {
        return new AuditViewModel(new AuditService(api, background), (name, format) -> Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static List<Long> seqs(AuditViewModel model) {
        return model.records().stream().map(AuditRecordView::seq).toList();
    }

    private static AuditRecordView call(long seq, String action) {
        return new AuditRecordView(seq, NOW.minusSeconds(100 - seq), "node-a", "api", action, "success",
                new AuditActor("user", "1", "admin", List.of("admin"), "127.0.0.1", "pgAnalytics console"), null, null, 200, null, 900L,
                json("{}"), null, null, null, "readable", "00");
    }

    private static AuditRecordView change(long seq, JsonNode before, JsonNode after) {
        return new AuditRecordView(seq, NOW.minusSeconds(100 - seq), "node-a", "change", "user.update", "success",
                new AuditActor("user", "1", "alice", List.of("admin"), "127.0.0.1", "pgAnalytics console"), "user", "43", null, null, null,
                json("{}"), before, after, "43", "readable", "00");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}

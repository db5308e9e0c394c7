package io.pganalytics.console.audit;

import io.pganalytics.common.audit.AuditActor;
import io.pganalytics.common.audit.AuditPage;
import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.AuditApi;
import io.pganalytics.console.api.AuditQuery;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;

/**
 * The audit screen: the filters, the records (newest first), which follow new ones every {@link #POLL_EVERY} while
 * the screen is open, older pages on demand, the selected record's detail and its before/after, the chain's
 * verification, and the export. The list holds at most {@link #MAX_ROWS} records: past that the oldest leave it (and
 * "Older" brings them back).
 */
public final class AuditViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(AuditViewModel.class);
    static final Duration POLL_EVERY = Duration.ofSeconds(3);
    static final int PAGE = 200;
    static final int MAX_ROWS = 5_000;
    public static final List<String> CATEGORIES = List.of("", "api", "auth", "change", "ingest", "system");
    public static final List<String> OUTCOMES = List.of("", "success", "failure", "denied");
    public static final List<String> FORMATS = List.of("jsonl", "csv");
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** How far back the list reaches. */
    public enum Period {
        ANY("any time", null), LAST_HOUR("last hour", Duration.ofHours(1)), LAST_24_HOURS("last 24 h", Duration.ofHours(24)),
        LAST_7_DAYS("last 7 days", Duration.ofDays(7)), LAST_30_DAYS("last 30 days", Duration.ofDays(30)),
        LAST_90_DAYS("last 90 days", Duration.ofDays(90));

        private final String label;
        private final Duration length;

        Period(String label, Duration length) {
            this.label = label;
            this.length = length;
        }

        public String label() {
            return label;
        }
    }

    /** One line of a record's detail: a name and its value. */
    public record Fact(String name, String value) {
    }

    private final AuditService service;
    private final ExportDestination destination;
    private final Clock clock;

    private final StringProperty user = new SimpleStringProperty("");
    private final StringProperty action = new SimpleStringProperty("");
    private final StringProperty category = new SimpleStringProperty("");
    private final StringProperty resourceType = new SimpleStringProperty("");
    private final StringProperty resourceId = new SimpleStringProperty("");
    private final StringProperty outcome = new SimpleStringProperty("");
    private final StringProperty node = new SimpleStringProperty("");
    private final ObjectProperty<Period> period = new SimpleObjectProperty<>(Period.ANY);
    private final StringProperty text = new SimpleStringProperty("");
    private final StringProperty format = new SimpleStringProperty("jsonl");

    private final ObservableList<AuditRecordView> records = FXCollections.observableArrayList();
    private final ObjectProperty<AuditRecordView> selected = new SimpleObjectProperty<>();
    private final ObservableList<Fact> facts = FXCollections.observableArrayList();
    private final ObservableList<AuditDiff.Row> diff = FXCollections.observableArrayList();
    private final StringProperty diffSummary = new SimpleStringProperty("");
    private final StringProperty details = new SimpleStringProperty("");
    private final StringProperty erased = new SimpleStringProperty("");
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty verification = new SimpleStringProperty("");
    private final StringProperty verificationState = new SimpleStringProperty("");
    private final BooleanProperty verifying = new SimpleBooleanProperty(false);
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final BooleanProperty olderAvailable = new SimpleBooleanProperty(false);
    private final BooleanProperty live = new SimpleBooleanProperty(false);
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");

    private AuditQuery applied = AuditQuery.ALL;
    private Period appliedPeriod = Period.ANY;
    /** Bumped by each new search: answers to an earlier one are dropped. */
    private long generation;
    private Long headSeq;
    private Long nextBefore;
    private boolean polling;
    private ScheduledFuture<?> timer;

    public AuditViewModel(AuditService service, ExportDestination destination, Clock clock) {
        this.service = service;
        this.destination = destination;
        this.clock = clock;
        selected.addListener((o, was, now) -> show(now));
    }

    /** Loads the newest records and verifies the chain, then follows new records until {@link #stop}. */
    public void start() {
        search();
        verify();
        if (timer == null) {
            timer = service.every(POLL_EVERY, this::poll);
        }
        live.set(true);
    }

    public void stop() {
        live.set(false);
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Applies the filters: the newest matching records replace the list. */
    public void search() {
        applied = query();
        appliedPeriod = period.get();
        long mine = ++generation;
        busy.set(true);
        service.page(applied, null, null, PAGE, page -> {
            if (mine != generation) {
                return;
            }
            busy.set(false);
            error.set("");
            records.setAll(page.records());
            headSeq = page.headSeq();
            nextBefore = page.nextBefore();
            olderAvailable.set(nextBefore != null);
            if (selected.get() != null && records.stream().noneMatch(r -> r.seq() == selected.get().seq())) {
                selected.set(null);
            }
            summarise();
        }, failure -> {
            if (mine == generation) {
                busy.set(false);
                failed("Reading the audit trail", failure);
            }
        });
    }

    /** Empties every filter and searches again. */
    public void clearFilters() {
        for (StringProperty filter : List.of(user, action, category, resourceType, resourceId, outcome, node, text)) {
            filter.set("");
        }
        period.set(Period.ANY);
        search();
    }

    /** The records that came since the last read, on top of the list (the poll's work, and F5's). */
    public void poll() {
        if (polling || headSeq == null || busy.get()) {
            return;
        }
        polling = true;
        long mine = generation;
        AuditQuery query = withPeriod(applied, appliedPeriod);
        service.page(query, null, headSeq, AuditApi.MAX_PAGE, page -> {
            polling = false;
            if (mine != generation) {
                return;
            }
            error.set("");
            arrived(page);
        }, failure -> {
            polling = false;
            if (mine == generation) {
                failed("Following the audit trail", failure);
            }
        });
    }

    /** The next older page, at the bottom of the list. */
    public void older() {
        if (nextBefore == null || busy.get()) {
            return;
        }
        long mine = generation;
        busy.set(true);
        service.page(applied, nextBefore, null, PAGE, page -> {
            if (mine != generation) {
                return;
            }
            busy.set(false);
            List<AuditRecordView> merged = new ArrayList<>(records);
            long oldest = records.isEmpty() ? Long.MAX_VALUE : records.getLast().seq();
            page.records().stream().filter(r -> r.seq() < oldest).forEach(merged::add);
            records.setAll(merged);
            nextBefore = page.nextBefore();
            olderAvailable.set(nextBefore != null);
            summarise();
        }, failure -> {
            if (mine == generation) {
                busy.set(false);
                failed("Reading older records", failure);
            }
        });
    }

    public void verify() {
        verifying.set(true);
        verification.set("Verifying the chain…");
        verificationState.set("");
        service.verify(result -> {
            verifying.set(false);
            verificationState.set(result.intact() ? "intact" : "broken");
            verification.set(verdict(result));
        }, failure -> {
            verifying.set(false);
            verificationState.set("unknown");
            verification.set("The chain could not be verified: " + failure.getMessage());
            LOG.info("verifying the audit chain: {}", failure.getMessage());
        });
    }

    /**
     * Asks where to save, then streams there the records of the chosen period as {@link #formatProperty()}: every
     * record, whatever the other filters, since an export is a contiguous part of the chain that a verifier can check.
     */
    public void export() {
        String kind = format.get();
        java.time.Instant from = from(period.get());
        destination.choose("audit-" + FILE_TIME.format(clock.instant()) + "." + kind, kind).ifPresent(file -> {
            status.set("Exporting to " + file + "…");
            error.set("");
            service.export(from, null, kind, file, bytes -> status.set(exported(file, bytes)), failure -> failed("Exporting the audit trail", failure));
        });
    }

    // ---- what the screen says

    private void arrived(AuditPage page) {
        long newest = headSeq == null ? 0 : headSeq;
        List<AuditRecordView> fresh = page.records().stream().filter(r -> r.seq() > newest)
                .sorted(Comparator.comparingLong(AuditRecordView::seq).reversed()).toList();
        // the server's head is where the next poll starts (a poll that did not get everything says where it stopped)
        headSeq = Math.max(page.headSeq(), fresh.isEmpty() ? newest : fresh.getFirst().seq());
        if (fresh.isEmpty()) {
            return;
        }
        records.addAll(0, fresh);
        if (records.size() > MAX_ROWS) {
            records.remove(MAX_ROWS, records.size());
            nextBefore = records.getLast().seq();
            olderAvailable.set(true);
        }
        summarise();
    }

    private void summarise() {
        boolean filtered = !applied.equals(AuditQuery.ALL) || appliedPeriod != Period.ANY;
        summary.set(Figures.count((long) records.size()) + (records.size() == 1 ? " record" : " records")
                + (filtered ? " matching the filters" : "") + (olderAvailable.get() ? " (older ones on demand)" : ""));
    }

    private void show(AuditRecordView record) {
        if (record == null) {
            facts.clear();
            diff.clear();
            diffSummary.set("");
            details.set("");
            erased.set("");
            return;
        }
        facts.setAll(facts(record));
        List<AuditDiff.Row> rows = AuditDiff.of(record.before(), record.after());
        diff.setAll(rows);
        diffSummary.set(diffSummary(record, rows));
        details.set(record.details() == null || record.details().isEmpty() ? "" : record.details().toPrettyString());
        erased.set(isErased(record) ? "Personal data erased: this record's names, addresses and personal values were sealed with "
                + "the person's own key, which was destroyed on an erasure request. They can no longer be read by anyone; the record "
                + "and its hash are unchanged, so the chain still verifies."
                : "unreadable".equals(record.personal()) ? "Personal data unreadable: the key that sealed this record's names, addresses "
                + "and personal values is gone (the server's keys were lost and made anew). The record and its hash are unchanged."
                : "");
    }

    static boolean isErased(AuditRecordView record) {
        return "erased".equals(record.personal());
    }

    static List<Fact> facts(AuditRecordView r) {
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("Record", "#" + r.seq() + " on " + orNone(r.node())));
        facts.add(new Fact("When", Figures.time(r.at())));
        facts.add(new Fact("What", r.category() + " · " + r.action()));
        facts.add(new Fact("Outcome", r.outcome() + (r.status() == null ? "" : " · HTTP " + r.status())
                + (r.errorType() == null ? "" : " · " + r.errorType())));
        facts.add(new Fact("Who", who(r)));
        AuditActor actor = r.actor();
        if (actor != null && !actor.roles().isEmpty()) {
            facts.add(new Fact("Roles", String.join(", ", actor.roles())));
        }
        if (actor != null && ("user".equals(actor.kind()) || "anonymous".equals(actor.kind()) || "collector".equals(actor.kind()))) {
            facts.add(new Fact("From", personal(r, actor.address())));
            facts.add(new Fact("User agent", personal(r, actor.userAgent())));
        }
        facts.add(new Fact("Resource", resource(r)));
        if (r.subjectId() != null) {
            facts.add(new Fact("About person", r.subjectId()));
        }
        if (r.durationMicros() != null) {
            facts.add(new Fact("Took", Figures.milliseconds(r.durationMicros() / 1000.0)));
        }
        facts.add(new Fact("Hash", orNone(r.hash())));
        return facts;
    }

    /** Who acted, as a person reads it: a name, or "erased" once the person's data was erased. */
    public static String who(AuditRecordView r) {
        AuditActor actor = r.actor();
        if (actor == null) {
            return Figures.NONE;
        }
        String name = actor.name() != null ? actor.name() : isErased(r) ? "erased" : null;
        return switch (actor.kind() == null ? "" : actor.kind()) {
            case "system" -> "system";
            case "anonymous" -> "anonymous" + (name == null ? "" : " (said " + name + ")");
            case "collector" -> "collector " + (name != null ? name : orNone(actor.id()));
            default -> name != null ? name : "user " + orNone(actor.id());
        };
    }

    public static String resource(AuditRecordView r) {
        if (r.resourceType() == null) {
            return Figures.NONE;
        }
        return r.resourceType() + (r.resourceId() == null ? "" : " " + r.resourceId());
    }

    private static String personal(AuditRecordView r, String value) {
        return value != null ? value : isErased(r) ? "erased" : Figures.NONE;
    }

    static String diffSummary(AuditRecordView record, List<AuditDiff.Row> rows) {
        if (record.before() == null && record.after() == null) {
            return "No values before and after: this record is not a change.";
        }
        if (record.before() == null || record.before().isNull()) {
            return "Created: " + rows.size() + (rows.size() == 1 ? " field" : " fields") + " added.";
        }
        if (record.after() == null || record.after().isNull()) {
            return "Deleted: " + rows.size() + (rows.size() == 1 ? " field" : " fields") + " removed.";
        }
        long changed = AuditDiff.differences(rows);
        return changed == 0 ? "No field changed." : changed + (changed == 1 ? " field differs" : " fields differ") + " (marked).";
    }

    static String verdict(AuditVerification v) {
        if (v.intact()) {
            return "Chain intact: records " + Figures.count(v.fromSeq()) + " to " + Figures.count(v.toSeq()) + " verified ("
                    + Figures.count(v.checked()) + " checked, " + v.checkpoints() + (v.checkpoints() == 1 ? " signed checkpoint" : " signed checkpoints")
                    + ") at " + Figures.time(v.verifiedAt()) + ".";
        }
        return "Chain broken at record " + (v.firstBadSeq() == null ? Figures.NONE : Figures.count(v.firstBadSeq())) + " ("
                + (v.problem() == null ? "unknown problem" : v.problem().replace('_', ' ')) + "): " + orNone(v.message());
    }

    static String exported(Path file, long bytes) {
        return "Exported to " + file + " (" + Figures.bytes(bytes) + ").";
    }

    private static String orNone(String value) {
        return value == null || value.isBlank() ? Figures.NONE : value;
    }

    private AuditQuery query() {
        return new AuditQuery(user.get(), action.get(), category.get(), resourceType.get(), resourceId.get(), outcome.get(), node.get(),
                from(period.get()), null, text.get());
    }

    /** The query with its period's start moved to now (a preset's window slides). */
    private AuditQuery withPeriod(AuditQuery query, Period chosen) {
        return new AuditQuery(query.user(), query.action(), query.category(), query.resourceType(), query.resourceId(), query.outcome(),
                query.node(), from(chosen), query.to(), query.text());
    }

    private java.time.Instant from(Period chosen) {
        return chosen == null || chosen.length == null ? null : clock.instant().minus(chosen.length);
    }

    private void failed(String what, Throwable failure) {
        status.set("");
        if (failure instanceof ApiException e) {
            if (e.kind() == ApiException.Kind.SESSION_EXPIRED) {
                return; // the application returns to the sign-in screen
            }
            LOG.info("{}: {}", what, e.getMessage());
            error.set(what + " failed: " + e.getMessage());
        } else {
            LOG.error(what, failure);
            error.set(what + " failed: " + failure.getMessage());
        }
    }

    // ---- properties

    public StringProperty userProperty() {
        return user;
    }

    public StringProperty actionProperty() {
        return action;
    }

    public StringProperty categoryProperty() {
        return category;
    }

    public StringProperty resourceTypeProperty() {
        return resourceType;
    }

    public StringProperty resourceIdProperty() {
        return resourceId;
    }

    public StringProperty outcomeProperty() {
        return outcome;
    }

    public StringProperty nodeProperty() {
        return node;
    }

    public ObjectProperty<Period> periodProperty() {
        return period;
    }

    public StringProperty textProperty() {
        return text;
    }

    /** The export's format: {@code jsonl} (every field, verifiable) or {@code csv}. */
    public StringProperty formatProperty() {
        return format;
    }

    public ObservableList<AuditRecordView> records() {
        return records;
    }

    public ObjectProperty<AuditRecordView> selectedProperty() {
        return selected;
    }

    public ObservableList<Fact> facts() {
        return facts;
    }

    public ObservableList<AuditDiff.Row> diff() {
        return diff;
    }

    public ReadOnlyStringProperty diffSummaryProperty() {
        return diffSummary;
    }

    /** The record's other details (route, counts, non-personal values), as indented JSON. */
    public ReadOnlyStringProperty detailsProperty() {
        return details;
    }

    /** A sentence when the selected record's personal data was erased, else empty. */
    public ReadOnlyStringProperty erasedProperty() {
        return erased;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty verificationProperty() {
        return verification;
    }

    /** {@code intact}, {@code broken}, {@code unknown} (could not verify), or empty while verifying. */
    public ReadOnlyStringProperty verificationStateProperty() {
        return verificationState;
    }

    public ReadOnlyBooleanProperty verifyingProperty() {
        return verifying;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyBooleanProperty olderAvailableProperty() {
        return olderAvailable;
    }

    /** New records are followed (the screen is open). */
    public ReadOnlyBooleanProperty liveProperty() {
        return live;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

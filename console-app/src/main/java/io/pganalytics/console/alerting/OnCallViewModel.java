package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.OnCallContact;
import io.pganalytics.common.alerting.OnCallNow;
import io.pganalytics.common.alerting.OnCallOverride;
import io.pganalytics.common.alerting.OnCallSchedule;
import io.pganalytics.common.alerting.OnCallShift;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The on-call tab: per schedule, who is on call now (and until when) and the next hand-offs; the selected schedule's
 * upcoming shifts and its overrides, with a form to add one (someone on call instead, between two UTC times) and
 * remove one (operators).
 */
public final class OnCallViewModel {
    static final int MAX_REASON = 500;

    /** A schedule as the "now" table shows it. */
    public record NowRow(long scheduleId, String schedule, String onCall, String contact, String until, String next) {
    }

    /** One shift of the selected schedule. */
    public record ShiftRow(String who, String rotation, String from, String to, String inWords) {
    }

    /** One override of the selected schedule. */
    public record OverrideRow(long id, String who, String from, String to, String reason) {
    }

    private final AlertingService service;
    private final boolean mayOperate;
    private final Clock clock;
    private final ObservableList<NowRow> now = FXCollections.observableArrayList();
    private final ObjectProperty<NowRow> selected = new SimpleObjectProperty<>();
    private final ObservableList<ShiftRow> upcoming = FXCollections.observableArrayList();
    private final ObservableList<OverrideRow> overrides = FXCollections.observableArrayList();
    private final ObservableList<String> people = FXCollections.observableArrayList();
    private final StringProperty newWho = new SimpleStringProperty("");
    private final StringProperty newFrom = new SimpleStringProperty("");
    private final StringProperty newTo = new SimpleStringProperty("");
    private final StringProperty newReason = new SimpleStringProperty("");
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final List<OnCallNow> answers = new ArrayList<>();
    private final List<OnCallSchedule> schedules = new ArrayList<>();
    private final List<OnCallContact> contacts = new ArrayList<>();

    public OnCallViewModel(AlertingService service, boolean mayOperate, Clock clock) {
        this.service = service;
        this.mayOperate = mayOperate;
        this.clock = clock;
        selected.addListener((o, was, row) -> showSelected());
    }

    /** Reads who is on call now, the schedules (for their overrides) and the contacts (people an override can name). */
    public void load() {
        service.contacts(found -> {
            contacts.clear();
            contacts.addAll(found);
            people.setAll(found.stream().map(OnCallContact::username).sorted().toList());
        }, failure -> people.clear());
        service.schedules(found -> {
            schedules.clear();
            schedules.addAll(found);
            service.onCallNow(this::showNow, failure -> error.set(AlertingText.failure("Reading who is on call", failure)));
        }, failure -> error.set(AlertingText.failure("Reading the schedules", failure)));
    }

    void showNow(List<OnCallNow> found) {
        error.set("");
        answers.clear();
        answers.addAll(found);
        Long keep = selected.get() == null ? null : selected.get().scheduleId();
        now.setAll(found.stream().map(this::row).toList());
        long covered = found.stream().filter(n -> n.now() != null).count();
        summary.set(found.size() + (found.size() == 1 ? " schedule" : " schedules") + ", " + covered + " with someone on call now"
                + (covered < found.size() ? " (" + (found.size() - covered) + " uncovered)" : ""));
        NowRow again = keep == null ? null : now.stream().filter(r -> r.scheduleId() == keep).findFirst().orElse(null);
        if (again == null && !now.isEmpty()) {
            again = now.getFirst();
        }
        // a re-read row equals the old one, so setting it fires no change: show its shifts and overrides either way
        selected.set(again);
        showSelected();
    }

    private NowRow row(OnCallNow n) {
        Instant at = clock.instant();
        OnCallShift shift = n.now();
        String next = n.upcoming().stream().limit(3).map(s -> s.username() + " " + Figures.time(s.from())).collect(Collectors.joining(" → "));
        return new NowRow(n.scheduleId(), n.scheduleName(), shift == null ? "nobody" : shift.username() + ("override".equals(shift.rotation())
                ? " (override)" : ""), shift == null || shift.email() == null ? Figures.NONE : shift.email(),
                shift == null ? Figures.NONE : Figures.time(shift.to()) + " (in " + words(Duration.between(at, shift.to())) + ")",
                next.isEmpty() ? Figures.NONE : next);
    }

    private void showSelected() {
        NowRow row = selected.get();
        if (row == null) {
            upcoming.clear();
            overrides.clear();
            return;
        }
        Instant at = clock.instant();
        answers.stream().filter(a -> a.scheduleId() == row.scheduleId()).findFirst().ifPresent(a -> {
            List<ShiftRow> shifts = new ArrayList<>();
            if (a.now() != null) {
                shifts.add(shift(a.now(), at, true));
            }
            a.upcoming().forEach(s -> shifts.add(shift(s, at, false)));
            upcoming.setAll(shifts);
        });
        overrides.setAll(schedules.stream().filter(s -> s.id() != null && s.id() == row.scheduleId()).findFirst()
                .map(s -> s.overrides().stream().map(this::override).toList()).orElse(List.of()));
    }

    private static ShiftRow shift(OnCallShift s, Instant at, boolean current) {
        String when = current ? "now, hands off in " + words(Duration.between(at, s.to())) : "in " + words(Duration.between(at, s.from()));
        return new ShiftRow(s.username(), s.rotation(), Figures.time(s.from()), Figures.time(s.to()), when);
    }

    private OverrideRow override(OnCallOverride o) {
        return new OverrideRow(o.id() == null ? 0 : o.id(), username(o.userId()), Figures.time(o.startsAt()), Figures.time(o.endsAt()),
                o.reason() == null ? "" : o.reason());
    }

    private String username(long userId) {
        return contacts.stream().filter(c -> c.userId() == userId).map(OnCallContact::username).findFirst().orElse("user " + userId);
    }

    /** {@code 3 h 20 min}, {@code 2 d 4 h}. */
    static String words(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        if (minutes < 60) {
            return minutes + " min";
        }
        if (minutes < 48 * 60) {
            return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
        }
        return minutes / 1440 + " d" + (minutes % 1440 / 60 == 0 ? "" : " " + minutes % 1440 / 60 + " h");
    }

    /** Puts the named person on call in the selected schedule between the two UTC times (operators). */
    public void addOverride() {
        NowRow row = selected.get();
        if (!mayOperate || row == null) {
            return;
        }
        OnCallOverride override;
        try {
            String who = newWho.get() == null ? "" : newWho.get().strip();
            OnCallContact person = contacts.stream().filter(c -> c.username().equals(who)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Who: choose a person with an on-call contact."));
            Instant from = AlertingText.utc(newFrom.get(), "From", false);
            Instant to = AlertingText.utc(newTo.get(), "Until", false);
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("The override must start before it ends.");
            }
            if (!to.isAfter(clock.instant())) {
                throw new IllegalArgumentException("The override ends in the past.");
            }
            String reason = newReason.get() == null || newReason.get().isBlank() ? null : newReason.get().strip();
            if (reason != null && reason.length() > MAX_REASON) {
                throw new IllegalArgumentException("Reason: at most " + MAX_REASON + " characters.");
            }
            override = new OnCallOverride(null, person.userId(), from, to, reason);
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        error.set("");
        service.addOverride(row.scheduleId(), override, added -> {
            status.set(username(added.userId()) + " is on call in " + row.schedule() + " from " + Figures.time(added.startsAt()) + " to "
                    + Figures.time(added.endsAt()) + ".");
            newReason.set("");
            load();
        }, failure -> error.set(AlertingText.failure("Adding the override", failure)));
    }

    public void removeOverride(OverrideRow override) {
        NowRow row = selected.get();
        if (!mayOperate || row == null || override == null) {
            return;
        }
        service.removeOverride(row.scheduleId(), override.id(), () -> {
            status.set("Removed the override of " + override.who() + ".");
            load();
        }, failure -> {
            if (!(failure instanceof AdminService.Cancelled)) {
                error.set(AlertingText.failure("Removing the override", failure));
            }
        });
    }

    public boolean mayOperate() {
        return mayOperate;
    }

    public ObservableList<NowRow> now() {
        return now;
    }

    public ObjectProperty<NowRow> selectedProperty() {
        return selected;
    }

    public ObservableList<ShiftRow> upcoming() {
        return upcoming;
    }

    public ObservableList<OverrideRow> overrides() {
        return overrides;
    }

    public ObservableList<String> people() {
        return people;
    }

    public StringProperty newWhoProperty() {
        return newWho;
    }

    public StringProperty newFromProperty() {
        return newFrom;
    }

    public StringProperty newToProperty() {
        return newTo;
    }

    public StringProperty newReasonProperty() {
        return newReason;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

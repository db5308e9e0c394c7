package io.pganalytics.console.alerts;

import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.Silence;
import io.pganalytics.common.units.Durations;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.PatternSyntaxException;

/**
 * The silence form: how long, why, and the label matchers (one a line, {@code alertname="lock_waits"}, operators
 * {@code =}, {@code !=}, {@code =~}, {@code !~}), prefilled from the alert it was opened on. {@link #save} checks it as
 * the server does (so a mistake is named before a round trip) and creates the silence ({@code POST /silences}).
 */
public final class SilenceViewModel {
    /** The durations the form offers; any other in the same grammar ({@code 90m}, {@code 3d}) is accepted. */
    public static final List<String> DURATIONS = List.of("30m", "1h", "2h", "4h", "8h", "1d", "3d", "7d");
    static final String DEFAULT_DURATION = "2h";
    static final Duration MAX_DURATION = Duration.ofDays(90);
    static final int MAX_REASON = 500;
    static final int MAX_MATCHERS = 20;
    private static final Set<String> OPERATORS = Set.of("=", "!=", "=~", "!~");
    private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile(
            "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*");

    private final AlertsService service;
    private final Clock clock;
    private final Consumer<Silence> onSaved;
    private final StringProperty title = new SimpleStringProperty("");
    private final StringProperty duration = new SimpleStringProperty(DEFAULT_DURATION);
    private final StringProperty reason = new SimpleStringProperty("");
    private final StringProperty matchers = new SimpleStringProperty("");
    private final StringProperty until = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final BooleanProperty saved = new SimpleBooleanProperty();

    SilenceViewModel(AlertsService service, Clock clock, String title, List<Matcher> prefilled, Consumer<Silence> onSaved) {
        this.service = service;
        this.clock = clock;
        this.onSaved = onSaved;
        this.title.set(title);
        this.matchers.set(String.join("\n", prefilled.stream().map(m -> m.label() + m.op() + "\"" + m.value() + "\"").toList()));
        duration.addListener((o, a, b) -> describeEnd());
        describeEnd();
    }

    private void describeEnd() {
        try {
            until.set("Until " + Figures.time(clock.instant().plus(length())) + " (local time)");
        } catch (IllegalArgumentException e) {
            until.set("");
        }
    }

    private Duration length() {
        Duration d = Durations.parse(duration.get() == null ? "" : duration.get().strip());
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("A silence lasts more than zero.");
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("A silence lasts at most " + Durations.format(MAX_DURATION) + ", not " + duration.get().strip() + ".");
        }
        return d;
    }

    /** The matchers as typed, one a line; blank lines are skipped. */
    static List<Matcher> parse(String text) {
        List<Matcher> parsed = new ArrayList<>();
        int number = 0;
        for (String line : (text == null ? "" : text).split("\n")) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            java.util.regex.Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("Matcher line " + number + " (" + line.strip() + ") is not label=\"value\": use =, !=, =~ or !~.");
            }
            String value = m.group(3);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (m.group(2).endsWith("~")) {
                try {
                    java.util.regex.Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("Matcher line " + number + ": " + value + " is not a regular expression ("
                            + e.getDescription() + ").");
                }
            }
            if (!OPERATORS.contains(m.group(2))) {
                throw new IllegalArgumentException("Matcher line " + number + ": unknown operator " + m.group(2) + ".");
            }
            parsed.add(new Matcher(m.group(1), m.group(2), value));
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("A silence needs at least one matcher, or it would silence every alert.");
        }
        if (parsed.size() > MAX_MATCHERS) {
            throw new IllegalArgumentException("A silence has at most " + MAX_MATCHERS + " matchers, not " + parsed.size() + ".");
        }
        return parsed;
    }

    /** Checks the form and creates the silence; {@code onDone} runs (on the UI thread) once the server stored it. */
    public void save(Runnable onDone) {
        if (busy.get()) {
            return;
        }
        Silence silence;
        try {
            silence = silence();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        error.set("");
        busy.set(true);
        service.silence(silence, created -> {
            busy.set(false);
            saved.set(true);
            onSaved.accept(created);
            onDone.run();
        }, failure -> {
            busy.set(false);
            error.set("The silence was not saved: " + (failure instanceof ApiException e ? e.getMessage() : failure.toString()));
        });
    }

    /** The silence the form describes, from now. */
    Silence silence() {
        Duration length = length();
        String why = reason.get() == null ? "" : reason.get().strip();
        if (why.isEmpty()) {
            throw new IllegalArgumentException("Say why: a silence needs a reason.");
        }
        if (why.length() > MAX_REASON) {
            throw new IllegalArgumentException("A reason holds at most " + MAX_REASON + " characters, not " + why.length() + ".");
        }
        List<Matcher> parsed = parse(matchers.get());
        return new Silence(null, parsed, null, clock.instant().plus(length), why, null, null, null);
    }

    public ReadOnlyStringProperty titleProperty() {
        return title;
    }

    public StringProperty durationProperty() {
        return duration;
    }

    public StringProperty reasonProperty() {
        return reason;
    }

    public StringProperty matchersProperty() {
        return matchers;
    }

    public ReadOnlyStringProperty untilProperty() {
        return until;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyBooleanProperty savedProperty() {
        return saved;
    }
}

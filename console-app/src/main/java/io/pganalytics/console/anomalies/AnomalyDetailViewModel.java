package io.pganalytics.console.anomalies;

import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.anomaly.FeedbackRequest;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.SeriesPoint;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.common.BandPoint;
import io.pganalytics.console.common.ChartMarker;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One anomaly's detail: its series around it (values from the dashboard's chart of that series, when one shows it) with
 * the expected band and the anomaly marked, its ranked root-cause hints as links, and the feedback buttons (operators).
 */
public final class AnomalyDetailViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(AnomalyDetailViewModel.class);
    /** The chart shows at least this much on each side of the anomaly. */
    static final Duration CONTEXT = Duration.ofMinutes(30);
    /** The band API answers at most a week. */
    static final Duration MAX_WINDOW = Duration.ofDays(7);
    static final int MAX_COMMENT = 1000;
    static final String NO_CHART = "No dashboard chart shows this series: the expected band and the anomaly alone.";

    /** One root-cause hint as the detail lists it. */
    public record HintRow(int rank, String type, String subject, String detail, String at, HintLink link) {
        public String linkText() {
            return link == null ? "" : link.label();
        }
    }

    private final AnomaliesService service;
    private final Clock clock;
    private final boolean mayOperate;
    private final Consumer<HintLink> onLink;
    private final Consumer<AnomalyView> onChanged;
    private final ObjectProperty<AnomalyView> anomaly = new SimpleObjectProperty<>();
    private final StringProperty title = new SimpleStringProperty("Select an anomaly to see its series, its hints and its feedback.");
    private final StringProperty summary = new SimpleStringProperty("");
    private final ObjectProperty<List<SeriesPoint>> values = new SimpleObjectProperty<>(List.of());
    private final ObjectProperty<List<BandPoint>> band = new SimpleObjectProperty<>(List.of());
    private final ObjectProperty<List<ChartMarker>> markers = new SimpleObjectProperty<>(List.of());
    private final StringProperty chartNote = new SimpleStringProperty("");
    private final StringProperty unit = new SimpleStringProperty("");
    private final ObservableList<HintRow> hints = FXCollections.observableArrayList();
    private final StringProperty comment = new SimpleStringProperty("");
    private final StringProperty feedback = new SimpleStringProperty("");
    private final BooleanProperty feedbackBusy = new SimpleBooleanProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private InstanceSummary instance;

    public AnomalyDetailViewModel(AnomaliesService service, Clock clock, boolean mayOperate, Consumer<HintLink> onLink,
                                  Consumer<AnomalyView> onChanged) {
        this.service = service;
        this.clock = clock;
        this.mayOperate = mayOperate;
        this.onLink = onLink;
        this.onChanged = onChanged;
    }

    /** Shows {@code shown} of {@code owner} (null when the console does not know the instance), reading its chart. */
    public void show(AnomalyView shown, InstanceSummary owner, Map<String, DetectionSeriesInfo> catalogue) {
        boolean same = anomaly.get() != null && shown != null && anomaly.get().id() == shown.id();
        anomaly.set(shown);
        instance = owner;
        error.set("");
        if (shown == null) {
            title.set("Select an anomaly to see its series, its hints and its feedback.");
            summary.set("");
            hints.clear();
            values.set(List.of());
            band.set(List.of());
            markers.set(List.of());
            chartNote.set("");
            feedback.set("");
            return;
        }
        if (!same) {
            comment.set("");
        }
        title.set(severityWord(shown.severity()) + " " + AnomalyFigures.kind(shown.kind()) + " in " + shown.label()
                + " on " + shown.instanceName());
        summary.set(describe(shown));
        unit.set(shown.unit() == null ? "" : shown.unit());
        hints.setAll(shown.hints().stream().map(h -> new HintRow(h.rank(), typeWord(h.type()), h.subject(), h.detail(),
                h.at() == null ? "" : Figures.time(h.at()), HintLink.parse(h.ref(), owner).orElse(null))).toList());
        feedback.set(feedbackText(shown.feedback()));
        markers.set(List.of(ChartMarker.of(shown, clock.instant())));
        if (!same) {
            loadChart(shown, catalogue.get(shown.series()));
        }
    }

    private void loadChart(AnomalyView shown, DetectionSeriesInfo info) {
        Instant end = shown.endedAt() != null ? shown.endedAt() : clock.instant();
        Duration length = Duration.between(shown.startedAt(), end);
        Duration around = length.multipliedBy(2).compareTo(CONTEXT) > 0 ? length.multipliedBy(2) : CONTEXT;
        Instant from = shown.startedAt().minus(around);
        Instant to = end.plus(around);
        if (to.isAfter(clock.instant())) {
            to = clock.instant();
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            from = to.minus(MAX_WINDOW);
        }
        values.set(List.of());
        band.set(List.of());
        long id = shown.id();
        // a series the catalogue does not describe is tried as a /series metric of its own name (the fixed series that
        // charts show share their names); refused, the band and the anomaly are shown alone
        String metric = info == null ? shown.series() : info.chartMetric();
        chartNote.set(metric == null ? NO_CHART : "");
        if (metric != null) {
            service.series(shown.instanceId(), metric, from, to, (SeriesResponse response) -> {
                if (current(id)) {
                    values.set(response.points());
                }
            }, failure -> {
                if (failure instanceof ApiException e && e.kind() == ApiException.Kind.REJECTED && info == null) {
                    chartNote.set(NO_CHART);
                } else {
                    chartFailed("Reading the series", failure);
                }
            });
        }
        service.band(shown.instanceId(), shown.series(), from, to, (AnomalyBand answer) -> {
            if (current(id)) {
                band.set(bandPoints(answer));
                if (!answer.anomalies().isEmpty()) {
                    Instant now = clock.instant();
                    markers.set(answer.anomalies().stream().map(a -> ChartMarker.of(a.id() == id ? anomaly.get() : a, now)).toList());
                }
            }
        }, failure -> chartFailed("Reading the expected band", failure));
    }

    /** The band's points as a chart shades them. */
    public static List<BandPoint> bandPoints(AnomalyBand band) {
        return band.points().stream().map(p -> new BandPoint(p.at().getEpochSecond(), p.lower(), p.upper())).toList();
    }

    private boolean current(long id) {
        return anomaly.get() != null && anomaly.get().id() == id;
    }

    private void chartFailed(String what, Throwable failure) {
        LOG.info("anomaly detail: {}: {}", what, failure.getMessage());
        chartNote.set(what + " failed: " + failure.getMessage());
    }

    /** "This was expected": a planned job, a known pattern. */
    public void expected() {
        give(AnomalyView.EXPECTED);
    }

    /** "This was real": a real problem. */
    public void real() {
        give(AnomalyView.REAL);
    }

    private void give(String verdict) {
        AnomalyView shown = anomaly.get();
        if (!mayOperate || shown == null) {
            return;
        }
        String text = comment.get() == null ? "" : comment.get().strip();
        if (text.length() > MAX_COMMENT) {
            error.set("A comment holds at most " + MAX_COMMENT + " characters, not " + text.length() + ".");
            return;
        }
        error.set("");
        feedbackBusy.set(true);
        service.feedback(shown.id(), new FeedbackRequest(verdict, text.isEmpty() ? null : text), updated -> {
            feedbackBusy.set(false);
            comment.set("");
            if (current(updated.id())) {
                anomaly.set(updated);
                feedback.set(feedbackText(updated.feedback()));
            }
            onChanged.accept(updated);
        }, failure -> {
            feedbackBusy.set(false);
            error.set("Saving the feedback failed: " + (failure instanceof ApiException e ? e.getMessage() : failure.toString()));
        });
    }

    /** Follows a hint's link. */
    public void open(HintRow hint) {
        if (hint != null && hint.link() != null) {
            onLink.accept(hint.link());
        }
    }

    static String describe(AnomalyView a) {
        StringBuilder text = new StringBuilder();
        text.append("Started ").append(Figures.time(a.startedAt()));
        text.append(AnomalyView.OPEN.equals(a.state()) ? ", still open" : ", ended " + Figures.time(a.endedAt()));
        text.append("  ·  ").append(a.points()).append(a.points() == 1 ? " anomalous point" : " anomalous points");
        text.append("  ·  peak ").append(Figures.time(a.peakAt())).append(", score ").append(AnomalyFigures.score(a));
        text.append("\nAt the peak: ").append(AnomalyFigures.actualVersusExpected(a));
        text.append("  ·  series ").append(a.series());
        return text.toString();
    }

    static String severityWord(String severity) {
        return AnomalyView.CRITICAL.equals(severity) ? "Critical" : "Warning:";
    }

    static String typeWord(String type) {
        return switch (type == null ? "" : type) {
            case AnomalyHint.METRIC -> "metric";
            case AnomalyHint.STATEMENT -> "statement";
            case AnomalyHint.NEW_STATEMENT -> "new statement";
            case AnomalyHint.SETTING -> "setting";
            case AnomalyHint.LOCK -> "lock";
            case AnomalyHint.AUTOVACUUM -> "autovacuum";
            default -> type == null ? "" : type;
        };
    }

    static String feedbackText(String verdict) {
        if (AnomalyView.EXPECTED.equals(verdict)) {
            return "Feedback: this was expected.";
        }
        if (AnomalyView.REAL.equals(verdict)) {
            return "Feedback: this was real.";
        }
        return "No feedback yet.";
    }

    public boolean mayOperate() {
        return mayOperate;
    }

    public ReadOnlyObjectProperty<AnomalyView> anomalyProperty() {
        return anomaly;
    }

    public InstanceSummary instance() {
        return instance;
    }

    public ReadOnlyStringProperty titleProperty() {
        return title;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyObjectProperty<List<SeriesPoint>> valuesProperty() {
        return values;
    }

    public ReadOnlyObjectProperty<List<BandPoint>> bandProperty() {
        return band;
    }

    public ReadOnlyObjectProperty<List<ChartMarker>> markersProperty() {
        return markers;
    }

    public ReadOnlyStringProperty chartNoteProperty() {
        return chartNote;
    }

    public ReadOnlyStringProperty unitProperty() {
        return unit;
    }

    public ObservableList<HintRow> hints() {
        return hints;
    }

    public StringProperty commentProperty() {
        return comment;
    }

    public ReadOnlyStringProperty feedbackProperty() {
        return feedback;
    }

    public ReadOnlyBooleanProperty feedbackBusyProperty() {
        return feedbackBusy;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

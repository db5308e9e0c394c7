package io.pganalytics.console.anomalies;

import io.pganalytics.common.query.SeriesPoint;
import io.pganalytics.console.common.ui.BandChart;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * An anomaly's detail: what and when, its series around it with the expected band shaded and the anomaly marked, the
 * ranked root-cause hints with their links, and the feedback buttons.
 */
final class AnomalyDetailView {
    private final AnomalyDetailViewModel model;

    AnomalyDetailView(AnomalyDetailViewModel model) {
        this.model = model;
    }

    Node build() {
        Label title = new Label();
        title.setId("anomaly-title");
        title.getStyleClass().add("card-title");
        title.textProperty().bind(model.titleProperty());
        title.setWrapText(true);
        Label summary = new Label();
        summary.setId("anomaly-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        summary.setWrapText(true);
        summary.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        title.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        VBox chart = chart();
        HBox.setHgrow(chart, Priority.ALWAYS);
        VBox side = new VBox(10, hints(), feedback());
        side.setPrefWidth(470);
        side.setMinWidth(380);
        HBox body = new HBox(12, chart, side);
        VBox.setVgrow(body, Priority.ALWAYS);
        VBox card = new VBox(6, title, summary, body);
        card.setId("anomaly-detail");
        card.getStyleClass().add("card");
        return card;
    }

    private VBox chart() {
        NumberAxis x = new NumberAxis();
        x.setForceZeroInRange(false);
        x.setTickLabelFormatter(timeLabels());
        NumberAxis y = new NumberAxis();
        y.setForceZeroInRange(false);
        BandChart chart = new BandChart(x, y);
        chart.setId("anomaly-chart");
        chart.setLegendVisible(false);
        chart.setCreateSymbols(false);
        chart.setAnimated(false);
        chart.getStyleClass().add("metric-chart");
        chart.setMinHeight(200);
        VBox.setVgrow(chart, Priority.ALWAYS);
        model.unitProperty().addListener((o, a, unit) -> y.setTickLabelFormatter("ratio".equals(unit) ? percentLabels() : null));
        model.valuesProperty().addListener((o, a, points) -> plot(chart, points));
        model.bandProperty().addListener((o, a, band) -> chart.setBand(band));
        model.markersProperty().addListener((o, a, markers) -> chart.setMarkers(markers));
        Label note = new Label();
        note.setId("anomaly-chart-note");
        note.getStyleClass().add("muted");
        note.textProperty().bind(model.chartNoteProperty());
        note.visibleProperty().bind(note.textProperty().isNotEmpty());
        note.managedProperty().bind(note.visibleProperty());
        Label legend = Widgets.label("Green: the expected band the detector learned  ·  red or amber: the anomaly, its dot at the peak "
                + "(hover for more)", "muted");
        return new VBox(4, chart, note, legend);
    }

    private static void plot(BandChart chart, List<SeriesPoint> points) {
        XYChart.Series<Number, Number> series = new XYChart.Series<>();
        for (SeriesPoint point : points) {
            if (point.value() != null) {
                series.getData().add(new XYChart.Data<>(point.time().getEpochSecond(), point.value()));
            }
        }
        chart.getData().setAll(List.of(series));
    }

    private Node hints() {
        VBox rows = new VBox(8);
        rows.setId("anomaly-hints");
        Runnable fill = () -> {
            rows.getChildren().clear();
            for (AnomalyDetailViewModel.HintRow hint : model.hints()) {
                rows.getChildren().add(hint(hint));
            }
            if (model.hints().isEmpty()) {
                rows.getChildren().add(Widgets.label(model.anomalyProperty().get() == null ? "" : "No root-cause hint was found.", "muted"));
            }
        };
        model.hints().addListener((javafx.collections.ListChangeListener<AnomalyDetailViewModel.HintRow>) c -> fill.run());
        fill.run();
        ScrollPane scroll = new ScrollPane(rows);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("edge-to-edge");
        VBox.setVgrow(scroll, Priority.ALWAYS);
        return new VBox(6, Widgets.label("Root-cause hints, likeliest first", "field-label"), scroll);
    }

    private Node hint(AnomalyDetailViewModel.HintRow hint) {
        Label rank = Widgets.label(hint.rank() + ".", "hint-rank");
        Label type = Widgets.label(hint.type(), "muted");
        type.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        rank.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        Label subject = Widgets.label(hint.subject(), "strong");
        subject.setWrapText(true);
        HBox head = new HBox(6, rank, type, subject);
        head.setAlignment(Pos.BASELINE_LEFT);
        Label detail = Widgets.label(hint.detail() + (hint.at().isEmpty() ? "" : "  ·  " + hint.at()), "muted");
        detail.setWrapText(true);
        VBox box = new VBox(1, head, detail);
        if (hint.link() != null) {
            Hyperlink link = new Hyperlink(hint.linkText());
            link.setId("hint-link-" + hint.rank());
            link.setOnAction(e -> model.open(hint));
            box.getChildren().add(link);
        }
        box.setId("hint-" + hint.rank());
        return box;
    }

    private Node feedback() {
        Label state = new Label();
        state.setId("anomaly-feedback");
        state.textProperty().bind(model.feedbackProperty());
        TextField comment = new TextField();
        comment.setId("anomaly-comment");
        comment.setPromptText("Comment (optional): a planned job, a release, a known pattern…");
        comment.textProperty().bindBidirectional(model.commentProperty());
        comment.setDisable(!model.mayOperate());
        Button expected = new Button("This was expected");
        expected.setId("feedback-expected");
        expected.setOnAction(e -> model.expected());
        Button real = new Button("This was real");
        real.setId("feedback-real");
        real.getStyleClass().add("accent");
        real.setOnAction(e -> model.real());
        for (Button button : List.of(expected, real)) {
            button.disableProperty().bind(Bindings.createBooleanBinding(() -> !model.mayOperate() || model.anomalyProperty().get() == null
                    || model.feedbackBusyProperty().get(), model.anomalyProperty(), model.feedbackBusyProperty()));
            button.setTooltip(new Tooltip(model.mayOperate() ? "Stored with the anomaly for the alerting feedback loop"
                    : "Feedback needs the operator or admin role"));
        }
        HBox buttons = new HBox(8, expected, real);
        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("anomaly-feedback-error");
        VBox box = new VBox(6, Widgets.label("Feedback", "field-label"), state, comment, buttons, error);
        if (!model.mayOperate()) {
            box.getChildren().add(Widgets.label("Viewers read anomalies; feedback needs the operator or admin role.", "muted"));
        }
        return box;
    }

    static StringConverter<Number> timeLabels() {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());
        return new StringConverter<>() {
            @Override
            public String toString(Number seconds) {
                return format.format(Instant.ofEpochSecond(seconds.longValue()));
            }

            @Override
            public Number fromString(String text) {
                return 0;
            }
        };
    }

    static StringConverter<Number> percentLabels() {
        return new StringConverter<>() {
            @Override
            public String toString(Number ratio) {
                return Math.round(ratio.doubleValue() * 100) + " %";
            }

            @Override
            public Number fromString(String text) {
                return 0;
            }
        };
    }
}

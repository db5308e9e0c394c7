package io.pganalytics.console.queries;

import io.pganalytics.common.query.QueryPoint;
import io.pganalytics.common.query.QueryStat;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** The top statements table over the selected statement's text and timeline. */
public final class QueriesView {
    private final QueriesViewModel model;

    public QueriesView(QueriesViewModel model) {
        this.model = model;
    }

    public Node build() {
        ChoiceBox<QueryOrder> order = new ChoiceBox<>();
        order.setId("query-order");
        order.getItems().setAll(QueryOrder.values());
        order.valueProperty().bindBidirectional(model.orderProperty());
        Label summary = new Label();
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> model.refresh());
        HBox toolbar = new HBox(10, Widgets.label("Top by", "muted"), order, summary, Widgets.grow(),
                Widgets.spinner(model.busyProperty()), refresh);
        toolbar.setAlignment(Pos.CENTER_LEFT);

        Label problem = Widgets.banner(model.problemProperty(), "error");
        TableView<QueryStat> table = table();
        SplitPane split = new SplitPane(table, detail());
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        VBox.setVgrow(split, Priority.ALWAYS);
        VBox root = new VBox(10, toolbar, problem, split);
        root.getStyleClass().add("page-body");
        return root;
    }

    private TableView<QueryStat> table() {
        TableView<QueryStat> table = new TableView<>(model.queries());
        table.setId("queries-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_SUBSEQUENT_COLUMNS);
        table.setPlaceholder(new Label("No statements in this range (pg_stat_statements must be installed on the instance)."));
        TableColumn<QueryStat, String> text = new TableColumn<>("Statement");
        text.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(oneLine(c.getValue().text())));
        text.getStyleClass().add("monospace-column");
        text.setPrefWidth(420);
        table.getColumns().add(text);
        table.getColumns().add(text("Database", QueryStat::datname, 100));
        table.getColumns().add(number("Calls", q -> (double) q.calls(), v -> Figures.count(v.longValue())));
        table.getColumns().add(number("Total time", QueryStat::totalTimeMs, Figures::milliseconds));
        table.getColumns().add(number("Mean time", QueryStat::meanTimeMs, Figures::milliseconds));
        table.getColumns().add(number("Rows", q -> (double) q.rows(), v -> Figures.count(v.longValue())));
        table.getColumns().add(number("Blocks read", q -> (double) q.sharedBlksRead(), v -> Figures.count(v.longValue())));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, q) -> model.selectedProperty().set(q));
        model.selectedProperty().addListener((o, a, q) -> {
            if (q != null && table.getSelectionModel().getSelectedItem() != q) {
                table.getSelectionModel().select(q);
            }
        });
        return table;
    }

    private Node detail() {
        Label title = new Label();
        title.getStyleClass().add("section-title");
        title.textProperty().bind(model.detailTitleProperty());
        Button copy = new Button("Copy");
        copy.setId("copy-query");
        copy.setTooltip(new Tooltip("Copy the statement's text to the clipboard"));
        copy.disableProperty().bind(model.textProperty().isEmpty());
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(model.textProperty().get());
            Clipboard.getSystemClipboard().setContent(content);
        });
        HBox header = new HBox(10, title, Widgets.grow(), copy);
        header.setAlignment(Pos.CENTER_LEFT);

        TextArea text = new TextArea();
        text.setId("query-text");
        text.setEditable(false);
        text.setWrapText(true);
        text.getStyleClass().add("code");
        text.textProperty().bind(model.textProperty());

        NumberAxis x = new NumberAxis();
        x.setForceZeroInRange(false);
        x.setTickLabelFormatter(timeLabels());
        NumberAxis y = new NumberAxis();
        y.setLabel("calls");
        LineChart<Number, Number> chart = new LineChart<>(x, y);
        chart.setId("query-timeline");
        chart.setTitle("Timeline: calls and mean time (ms) per step");
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setPrefHeight(200);
        model.timelineProperty().addListener((o, a, points) -> plot(chart, points));

        HBox body = new HBox(12, text, chart);
        HBox.setHgrow(text, Priority.ALWAYS);
        HBox.setHgrow(chart, Priority.ALWAYS);
        text.setPrefWidth(500);
        VBox.setVgrow(body, Priority.ALWAYS);
        VBox detail = new VBox(8, header, body);
        detail.getStyleClass().add("detail-pane");
        return detail;
    }

    private static void plot(LineChart<Number, Number> chart, List<QueryPoint> points) {
        XYChart.Series<Number, Number> calls = new XYChart.Series<>();
        calls.setName("calls");
        XYChart.Series<Number, Number> mean = new XYChart.Series<>();
        mean.setName("mean time (ms)");
        for (QueryPoint point : points) {
            calls.getData().add(new XYChart.Data<>(point.time().getEpochSecond(), point.calls()));
            if (point.meanTimeMs() != null) {
                mean.getData().add(new XYChart.Data<>(point.time().getEpochSecond(), point.meanTimeMs()));
            }
        }
        chart.getData().setAll(List.of(calls, mean));
        Widgets.fitTimeAxis((NumberAxis) chart.getXAxis(), calls.getData().stream().map(XYChart.Data::getXValue).toList());
    }

    private static String oneLine(String text) {
        return text == null ? "(text not collected yet)" : text.replaceAll("\\s+", " ").strip();
    }

    private static TableColumn<QueryStat, String> text(String title, Function<QueryStat, String> value, double width) {
        TableColumn<QueryStat, String> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setPrefWidth(width);
        return column;
    }

    private static TableColumn<QueryStat, Double> number(String title, Function<QueryStat, Double> value, Function<Double, String> format) {
        TableColumn<QueryStat, Double> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setComparator(Comparator.nullsFirst(Comparator.naturalOrder()));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Double item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item == null ? Figures.NONE : format.apply(item));
            }
        });
        column.getStyleClass().add("numeric");
        column.setPrefWidth(100);
        return column;
    }

    private static StringConverter<Number> timeLabels() {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());
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
}

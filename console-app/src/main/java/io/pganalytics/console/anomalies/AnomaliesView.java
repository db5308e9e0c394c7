package io.pganalytics.console.anomalies;

import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.common.ui.TimeRangePicker;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.util.List;
import java.util.function.Function;

/**
 * The Anomalies screen: the filters over the fleet's list, the selected anomaly's detail below it
 * ({@link AnomalyDetailView}), and a tab with the anomaly settings of an instance ({@link AnomalySettingsView}).
 */
public final class AnomaliesView {
    private final AnomaliesViewModel model;

    public AnomaliesView(AnomaliesViewModel model) {
        this.model = model;
    }

    public Node build() {
        SplitPane split = new SplitPane(table(), new AnomalyDetailView(model.detail()).build());
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.3);
        Tab list = new Tab("Anomalies", split);
        list.setId("tab-anomaly-list");
        Tab settings = new Tab("Instance settings", new AnomalySettingsView(model.settings(), model.instances()).build());
        settings.setId("tab-anomaly-settings");
        TabPane tabs = new TabPane(list, settings);
        tabs.setId("anomalies-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("anomalies-error");
        VBox page = new VBox(8, header(), filters(), error, tabs);
        page.setId("anomalies");
        page.setPadding(new Insets(12, 20, 12, 20));
        return page;
    }

    private Node header() {
        Label title = Widgets.label("Anomalies", "page-title");
        Label summary = new Label();
        summary.setId("anomalies-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        Label live = new Label();
        live.setId("anomalies-live");
        live.getStyleClass().add("muted");
        live.textProperty().bind(model.liveTextProperty());
        Button refresh = new Button("Refresh");
        refresh.setId("anomalies-refresh");
        refresh.setOnAction(e -> model.refresh());
        HBox header = new HBox(14, title, summary, Widgets.grow(), live, refresh);
        header.setAlignment(Pos.CENTER_LEFT);
        return header;
    }

    private Node filters() {
        ComboBox<String> severity = new ComboBox<>();
        severity.getItems().setAll(AnomaliesViewModel.SEVERITIES);
        severity.setId("anomalies-severity");
        severity.valueProperty().bindBidirectional(model.severityProperty());
        ComboBox<String> state = new ComboBox<>();
        state.getItems().setAll(AnomaliesViewModel.STATES);
        state.setId("anomalies-state");
        state.valueProperty().bindBidirectional(model.stateProperty());
        ComboBox<InstanceSummary> instance = new ComboBox<>();
        instance.setId("anomalies-instance");
        instance.setPrefWidth(220);
        Runnable fill = () -> {
            InstanceSummary keep = model.instanceProperty().get();
            java.util.List<InstanceSummary> choices = new java.util.ArrayList<>();
            choices.add(null);
            choices.addAll(model.instances());
            instance.getItems().setAll(choices);
            instance.setValue(keep);
        };
        model.instances().addListener((javafx.collections.ListChangeListener<InstanceSummary>) c -> fill.run());
        fill.run();
        instance.setConverter(instanceNames());
        instance.setButtonCell(instanceCell());
        instance.setCellFactory(list -> instanceCell());
        instance.valueProperty().bindBidirectional(model.instanceProperty());
        HBox bar = new HBox(10, Widgets.label("Severity", "field-label"), severity, Widgets.label("State", "field-label"), state,
                Widgets.label("Instance", "field-label"), instance, Widgets.label("Started in", "field-label"),
                TimeRangePicker.create(model.rangeProperty()));
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setId("anomalies-filters");
        return bar;
    }

    static StringConverter<InstanceSummary> instanceNames() {
        return new StringConverter<>() {
            @Override
            public String toString(InstanceSummary instance) {
                return instance == null ? "All instances" : instance.name();
            }

            @Override
            public InstanceSummary fromString(String text) {
                return null;
            }
        };
    }

    static ListCell<InstanceSummary> instanceCell() {
        return new ListCell<>() {
            @Override
            protected void updateItem(InstanceSummary item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item == null ? "All instances" : item.name());
            }
        };
    }

    private Node table() {
        TableView<AnomaliesViewModel.Row> table = new TableView<>(model.rows());
        table.setId("anomalies-table");
        table.setPlaceholder(new Label("No anomalies in this range. New ones appear here as the detectors find them."));
        TableColumn<AnomaliesViewModel.Row, String> severity = column("Severity", AnomaliesViewModel.Row::severity, 80);
        severity.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().removeAll("severity-critical", "severity-warning");
                setText(empty ? null : item);
                if (!empty && item != null) {
                    getStyleClass().add("severity-" + item);
                }
            }
        });
        table.getColumns().setAll(List.of(
                severity,
                column("Instance", AnomaliesViewModel.Row::instance, 150),
                column("Series", AnomaliesViewModel.Row::series, 230),
                column("Kind", AnomaliesViewModel.Row::kind, 100),
                column("Started", AnomaliesViewModel.Row::started, 150),
                column("Duration", AnomaliesViewModel.Row::duration, 110),
                column("Score", AnomaliesViewModel.Row::score, 70),
                column("Actual vs expected", AnomaliesViewModel.Row::actualVersusExpected, 300),
                column("Feedback", AnomaliesViewModel.Row::feedback, 80)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setTooltip(new Tooltip("Newest first; among anomalies that started in the same minute, critical first. Select one for its detail."));
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null && now != model.selectedProperty().get()) {
                model.selectedProperty().set(now);
            }
        });
        model.selectedProperty().addListener((o, was, now) -> {
            if (now == null) {
                table.getSelectionModel().clearSelection();
            } else if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
                table.scrollTo(now);
            }
        });
        return table;
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }
}

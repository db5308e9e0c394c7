package io.pganalytics.console.fleet;

import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.KeyFigures;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.Instant;
import java.util.Comparator;
import java.util.function.Function;

/** The fleet table with its search box and status filter. */
public final class FleetView {
    private final FleetViewModel model;
    private TextField search;

    public FleetView(FleetViewModel model) {
        this.model = model;
    }

    public Node build() {
        Label title = Widgets.label("Fleet", "page-title");
        Label summary = new Label();
        summary.setId("fleet-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());

        search = new TextField();
        search.setId("fleet-search");
        search.setPromptText("Search name, host, version, role   (Ctrl+F)");
        search.setPrefColumnCount(28);
        search.textProperty().bindBidirectional(model.searchProperty());

        ToggleGroup group = new ToggleGroup();
        HBox filters = new HBox(0, filter(group, "All", null), filter(group, "Up", InstanceStatus.UP),
                filter(group, "Stale", InstanceStatus.STALE), filter(group, "Down", InstanceStatus.DOWN));
        filters.getStyleClass().add("segmented");
        group.getToggles().getFirst().setSelected(true);

        Button refresh = new Button("Refresh");
        refresh.setTooltip(new Tooltip("Reload the fleet (F5)"));
        refresh.setOnAction(e -> model.refresh());

        HBox toolbar = new HBox(10, title, summary, Widgets.grow(), Widgets.spinner(model.busyProperty()), search, filters, refresh);
        toolbar.setAlignment(Pos.CENTER_LEFT);
        toolbar.getStyleClass().add("page-header");

        Label problem = Widgets.banner(model.problemProperty(), "error");
        problem.setId("fleet-problem");
        Label archiving = Widgets.banner(model.archivingAlertProperty(), "warning");
        archiving.setId("fleet-archiving-alert");

        TableView<InstanceSummary> table = table();
        VBox.setVgrow(table, Priority.ALWAYS);
        VBox content = new VBox(10, problem, archiving, table);
        content.getStyleClass().add("page-body");

        BorderPane root = new BorderPane(content);
        root.setTop(toolbar);
        return root;
    }

    public void focusSearch() {
        if (search != null) {
            search.requestFocus();
            search.selectAll();
        }
    }

    private ToggleButton filter(ToggleGroup group, String text, InstanceStatus status) {
        ToggleButton button = new ToggleButton(text);
        button.setId("filter-" + text.toLowerCase(java.util.Locale.ROOT));
        button.setToggleGroup(group);
        button.setOnAction(e -> {
            if (!button.isSelected()) {
                button.setSelected(true);
            }
            model.statusFilterProperty().set(status);
        });
        return button;
    }

    private TableView<InstanceSummary> table() {
        TableView<InstanceSummary> table = new TableView<>(model.visibleInstances());
        table.setId("fleet-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label empty = new Label("No instances yet.\nRegister a collector with this server: its instances appear here after their first batch.");
        empty.getStyleClass().add("placeholder");
        table.setPlaceholder(empty);

        TableColumn<InstanceSummary, InstanceSummary> name = new TableColumn<>("Instance");
        name.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        name.setComparator(Comparator.comparing(InstanceSummary::name, String.CASE_INSENSITIVE_ORDER));
        name.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(InstanceSummary item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                    setGraphic(null);
                    setText(null);
                    return;
                }
                Label label = new Label(item.name());
                label.getStyleClass().add("strong");
                Label host = Widgets.label(item.host() + ":" + item.port(), "muted");
                HBox box = new HBox(8, Widgets.statusLight(item.status()), label, host);
                box.setAlignment(Pos.CENTER_LEFT);
                setGraphic(box);
                setText(null);
                setTooltip(new Tooltip(item.status() == null ? "unknown" : item.status().wireName()));
            }
        });
        name.setPrefWidth(280);

        table.getColumns().add(name);
        table.getColumns().add(text("Status", i -> i.status() == null ? "" : i.status().wireName(), 70));
        table.getColumns().add(alerts());
        table.getColumns().add(text("Version", i -> nullToDash(i.version()), 70));
        table.getColumns().add(text("Role", i -> nullToDash(i.role()), 80));
        table.getColumns().add(number("TPS", i -> figures(i).tps(), v -> Figures.number(v, 1), 80));
        table.getColumns().add(number("Connections", i -> figures(i).connections() == null ? null : figures(i).connections().doubleValue(),
                v -> Figures.count(v == null ? null : v.longValue()), 110, FleetView::connections));
        table.getColumns().add(number("Cache hit", i -> figures(i).cacheHitRatio(), Figures::percent, 90));
        table.getColumns().add(number("Replication lag", i -> figures(i).replicationLagSeconds(), Figures::seconds, 110));
        table.getColumns().add(archiving());
        TableColumn<InstanceSummary, Instant> seen = new TableColumn<>("Last seen");
        seen.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().lastSeenAt()));
        seen.setComparator(Comparator.nullsFirst(Comparator.naturalOrder()));
        seen.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Instant item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : Figures.ago(item, Instant.now()));
                setTooltip(empty || item == null ? null : new Tooltip(Figures.time(item)));
            }
        });
        seen.setPrefWidth(110);
        table.getColumns().add(seen);

        table.setRowFactory(t -> {
            TableRow<InstanceSummary> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    model.open(row.getItem());
                }
            });
            return row;
        });
        table.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                model.open(table.getSelectionModel().getSelectedItem());
                e.consume();
            }
        });
        return table;
    }

    /** The instance's own WAL archiving as a small coloured badge; redrawn when the archiving list arrives. */
    private TableColumn<InstanceSummary, ArchivingBadge> archiving() {
        TableColumn<InstanceSummary, ArchivingBadge> column = new TableColumn<>("Archiving");
        column.setId("fleet-archiving");
        column.setCellValueFactory(c -> Bindings.createObjectBinding(() -> model.archivingBadge(c.getValue().id()), model.archiving()));
        column.setComparator(Comparator.comparingInt(ArchivingBadge::rank));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(ArchivingBadge item, boolean empty) {
                super.updateItem(item, empty);
                setText(null);
                if (empty || item == null) {
                    setGraphic(null);
                    setTooltip(null);
                    return;
                }
                setGraphic(Widgets.label(item.text(), "archiving-badge", item.styleClass()));
                setTooltip(new Tooltip(item.tooltip()));
            }
        });
        column.setPrefWidth(90);
        return column;
    }

    /** The instance's firing alerts as a badge coloured by the worst severity; redrawn when the counts arrive. */
    private TableColumn<InstanceSummary, AlertBadge> alerts() {
        TableColumn<InstanceSummary, AlertBadge> column = new TableColumn<>("Alerts");
        column.setId("fleet-alerts");
        column.setCellValueFactory(c -> Bindings.createObjectBinding(() -> model.alertBadge(c.getValue().id()), model.alertCounts()));
        column.setComparator(Comparator.comparingInt(AlertBadge::rank));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(AlertBadge item, boolean empty) {
                super.updateItem(item, empty);
                setText(null);
                if (empty || item == null || item.text().isEmpty()) {
                    setGraphic(null);
                    setTooltip(null);
                    return;
                }
                Label badge = Widgets.label(item.text(), "alert-badge", item.styleClass());
                badge.setId("fleet-alert-badge-" + getTableRow().getItem().id());
                setGraphic(badge);
                setTooltip(new Tooltip(item.tooltip()));
            }
        });
        column.setPrefWidth(90);
        return column;
    }

    private static String connections(InstanceSummary i) {
        KeyFigures f = figures(i);
        if (f.connections() == null) {
            return Figures.NONE;
        }
        return f.maxConnections() == null ? Figures.count(f.connections()) : f.connections() + " / " + f.maxConnections();
    }

    private static KeyFigures figures(InstanceSummary i) {
        return i.figures() == null ? new KeyFigures(null, null, null, null, null, null, null) : i.figures();
    }

    private static String nullToDash(String value) {
        return value == null ? Figures.NONE : value;
    }

    private static TableColumn<InstanceSummary, String> text(String title, Function<InstanceSummary, String> value, double width) {
        TableColumn<InstanceSummary, String> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setPrefWidth(width);
        return column;
    }

    private static TableColumn<InstanceSummary, Double> number(String title, Function<InstanceSummary, Double> value,
                                                               Function<Double, String> format, double width) {
        return number(title, value, format, width, null);
    }

    private static TableColumn<InstanceSummary, Double> number(String title, Function<InstanceSummary, Double> value,
                                                               Function<Double, String> format, double width,
                                                               Function<InstanceSummary, String> display) {
        TableColumn<InstanceSummary, Double> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setComparator(Comparator.nullsFirst(Comparator.naturalOrder()));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Double item, boolean empty) {
                super.updateItem(item, empty);
                if (empty) {
                    setText(null);
                } else if (display != null && getTableRow() != null && getTableRow().getItem() != null) {
                    setText(display.apply(getTableRow().getItem()));
                } else {
                    setText(format.apply(item));
                }
            }
        });
        column.getStyleClass().add("numeric");
        column.setPrefWidth(width);
        return column;
    }
}

package io.pganalytics.console.tables;

import io.pganalytics.common.query.IndexStat;
import io.pganalytics.common.query.TableStat;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.css.PseudoClass;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.Instant;
import java.util.Comparator;
import java.util.function.Function;

/** Two tables: the instance's tables, and its indexes with unused ones highlighted. */
public final class TablesView {
    private static final PseudoClass UNUSED = PseudoClass.getPseudoClass("unused");

    private final TablesViewModel model;

    public TablesView(TablesViewModel model) {
        this.model = model;
    }

    public Node build() {
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> model.refresh());
        Label problem = Widgets.banner(model.problemProperty(), "error");

        SplitPane split = new SplitPane(section("Tables", model.tableSummaryProperty(), tables(), refresh),
                section("Indexes", model.indexSummaryProperty(), indexes(), Widgets.spinner(model.busyProperty())));
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        VBox.setVgrow(split, Priority.ALWAYS);
        VBox root = new VBox(10, problem, split);
        root.getStyleClass().add("page-body");
        return root;
    }

    private static Node section(String title, javafx.beans.value.ObservableValue<String> summary, TableView<?> table, Node extra) {
        Label heading = Widgets.label(title, "section-title");
        Label counts = new Label();
        counts.getStyleClass().add("muted");
        counts.textProperty().bind(summary);
        HBox header = new HBox(10, heading, counts, Widgets.grow(), extra);
        header.setAlignment(Pos.CENTER_LEFT);
        VBox.setVgrow(table, Priority.ALWAYS);
        return new VBox(6, header, table);
    }

    private TableView<TableStat> tables() {
        TableView<TableStat> table = new TableView<>(model.tables());
        table.setId("tables-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_SUBSEQUENT_COLUMNS);
        table.setPlaceholder(new Label("No tables reported for this instance yet."));
        model.selectedProperty().addListener((o, was, now) -> {
            if (now != null) {
                table.getSelectionModel().select(now);
                table.scrollTo(now);
            }
        });
        table.getColumns().add(text("Table", t -> t.datname() + " · " + t.schemaname() + "." + t.relname(), 280));
        table.getColumns().add(number("Total size", TableStat::totalBytes, Figures::bytes));
        table.getColumns().add(number("Seq scans", TableStat::seqScan, Figures::count));
        table.getColumns().add(number("Index scans", TableStat::idxScan, Figures::count));
        table.getColumns().add(number("Live tuples", TableStat::liveTuples, Figures::count));
        table.getColumns().add(number("Dead tuples", TableStat::deadTuples, Figures::count));
        table.getColumns().add(time("Last vacuum", TableStat::lastVacuum));
        table.getColumns().add(time("Last analyze", TableStat::lastAnalyze));
        return table;
    }

    private TableView<IndexStat> indexes() {
        TableView<IndexStat> table = new TableView<>(model.indexes());
        table.setId("indexes-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_SUBSEQUENT_COLUMNS);
        table.setPlaceholder(new Label("No indexes reported for this instance yet."));
        table.getColumns().add(text("Index", i -> i.datname() + " · " + i.schemaname() + "." + i.indexrelname(), 280));
        table.getColumns().add(text("Table", IndexStat::relname, 140));
        table.getColumns().add(number("Size", IndexStat::sizeBytes, Figures::bytes));
        table.getColumns().add(number("Scans", IndexStat::idxScan, Figures::count));
        table.getColumns().add(text("Kind", i -> Boolean.TRUE.equals(i.primary()) ? "primary key"
                : Boolean.TRUE.equals(i.unique()) ? "unique" : Boolean.FALSE.equals(i.valid()) ? "INVALID" : "", 90));
        table.getColumns().add(text("Usage", i -> i.unused() ? "unused" : "", 80));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(IndexStat item, boolean empty) {
                super.updateItem(item, empty);
                pseudoClassStateChanged(UNUSED, !empty && item != null && item.unused());
            }
        });
        return table;
    }

    private static <S> TableColumn<S, String> text(String title, Function<S, String> value, double width) {
        TableColumn<S, String> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setPrefWidth(width);
        return column;
    }

    private static <S> TableColumn<S, Long> number(String title, Function<S, Long> value, Function<Long, String> format) {
        TableColumn<S, Long> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setComparator(Comparator.nullsFirst(Comparator.naturalOrder()));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Long item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : format.apply(item));
            }
        });
        column.getStyleClass().add("numeric");
        column.setPrefWidth(100);
        return column;
    }

    private static <S> TableColumn<S, Instant> time(String title, Function<S, Instant> value) {
        TableColumn<S, Instant> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setComparator(Comparator.nullsFirst(Comparator.naturalOrder()));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Instant item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item == null ? "never" : Figures.ago(item, Instant.now()));
            }
        });
        column.setPrefWidth(110);
        return column;
    }
}

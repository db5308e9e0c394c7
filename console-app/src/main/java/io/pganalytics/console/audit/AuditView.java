package io.pganalytics.console.audit;

import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.util.List;
import java.util.function.Function;

/**
 * The audit screen: the filters on top, the chain's verification under them, the records on the left and the selected
 * record's detail (facts, before/after with the differences marked, other details) on the right, the export below.
 */
public final class AuditView {
    private static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");
    private static final PseudoClass ADDED = PseudoClass.getPseudoClass("added");
    private static final PseudoClass REMOVED = PseudoClass.getPseudoClass("removed");
    private static final PseudoClass REFUSED = PseudoClass.getPseudoClass("refused");

    private final AuditViewModel model;

    public AuditView(AuditViewModel model) {
        this.model = model;
    }

    public Node build() {
        SplitPane split = new SplitPane(recordsPane(), detailPane());
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.55);
        VBox.setVgrow(split, Priority.ALWAYS);
        VBox page = new VBox(10, filters(), verificationLine(), split, exportLine());
        page.setId("audit");
        page.setPadding(new Insets(12, 20, 12, 20));
        return page;
    }

    private Node filters() {
        TextField user = field("audit-user", "User or collector", model.userProperty(), 130);
        TextField action = field("audit-action", "Action (user.*)", model.actionProperty(), 140);
        ChoiceBox<String> category = choice("audit-category", AuditViewModel.CATEGORIES, model.categoryProperty(), "any category");
        TextField resourceType = field("audit-resource-type", "Resource type", model.resourceTypeProperty(), 110);
        TextField resourceId = field("audit-resource-id", "Resource id", model.resourceIdProperty(), 90);
        ChoiceBox<String> outcome = choice("audit-outcome", AuditViewModel.OUTCOMES, model.outcomeProperty(), "any outcome");
        TextField node = field("audit-node", "Node", model.nodeProperty(), 100);
        ChoiceBox<AuditViewModel.Period> period = new ChoiceBox<>();
        period.setId("audit-period");
        period.getItems().setAll(AuditViewModel.Period.values());
        period.valueProperty().bindBidirectional(model.periodProperty());
        period.setConverter(converter(p -> p == null ? "" : p.label()));
        TextField text = field("audit-text", "Free text", model.textProperty(), 150);
        Button search = new Button("Search");
        search.setId("audit-search");
        search.setDefaultButton(true);
        search.getStyleClass().add("accent");
        search.setOnAction(e -> model.search());
        Button clear = new Button("Clear");
        clear.setId("audit-clear");
        clear.setOnAction(e -> model.clearFilters());
        FlowPane bar = new FlowPane(8, 8, user, action, category, resourceType, resourceId, outcome, node, period, text, search, clear,
                Widgets.spinner(model.busyProperty()));
        bar.getStyleClass().add("audit-filters");
        return bar;
    }

    private Node verificationLine() {
        Label verdict = new Label();
        verdict.setId("audit-verification");
        verdict.textProperty().bind(model.verificationProperty());
        verdict.setWrapText(true);
        verdict.setMaxWidth(Double.MAX_VALUE);
        verdict.getStyleClass().addAll("banner", "audit-verification");
        model.verificationStateProperty().addListener((o, was, now) -> {
            verdict.getStyleClass().removeAll("audit-intact", "audit-broken", "audit-unknown");
            if (!now.isEmpty()) {
                verdict.getStyleClass().add("audit-" + now);
            }
        });
        HBox.setHgrow(verdict, Priority.ALWAYS);
        Button verify = new Button("Verify chain");
        verify.setId("audit-verify");
        verify.disableProperty().bind(model.verifyingProperty());
        verify.setOnAction(e -> model.verify());
        HBox line = new HBox(8, verdict, Widgets.spinner(model.verifyingProperty()), verify);
        line.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return line;
    }

    private Node recordsPane() {
        TableView<AuditRecordView> table = new TableView<>(model.records());
        table.setId("audit-records");
        table.setPlaceholder(new Label("No records match"));
        table.getColumns().setAll(List.of(
                column("#", r -> Long.toString(r.seq()), 45),
                column("When", r -> Figures.time(r.at()), 150),
                column("Category", AuditRecordView::category, 70),
                column("Action", AuditRecordView::action, 170),
                column("Outcome", AuditRecordView::outcome, 70),
                column("Who", AuditViewModel::who, 100),
                column("Resource", AuditViewModel::resource, 90),
                column("Node", r -> r.node() == null ? "" : r.node(), 80)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(AuditRecordView item, boolean empty) {
                super.updateItem(item, empty);
                pseudoClassStateChanged(REFUSED, !empty && item != null && !"success".equals(item.outcome()));
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> model.selectedProperty().set(now));
        model.selectedProperty().addListener((o, was, now) -> {
            if (now == null) {
                table.getSelectionModel().clearSelection();
            }
        });
        VBox.setVgrow(table, Priority.ALWAYS);
        Label summary = new Label();
        summary.setId("audit-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        Label live = Widgets.label("Live", "state-pill", "state-live");
        live.setId("audit-live");
        live.visibleProperty().bind(model.liveProperty());
        Button older = new Button("Older records");
        older.setId("audit-older");
        older.disableProperty().bind(model.olderAvailableProperty().not().or(model.busyProperty()));
        older.setOnAction(e -> model.older());
        HBox foot = new HBox(8, live, summary, Widgets.grow(), older);
        foot.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return new VBox(6, table, foot);
    }

    private Node detailPane() {
        GridPane facts = new GridPane();
        facts.setId("audit-facts");
        facts.setHgap(12);
        facts.setVgap(4);
        ColumnConstraints names = new ColumnConstraints();
        names.setMinWidth(110);
        facts.getColumnConstraints().setAll(names, new ColumnConstraints());
        model.facts().addListener((ListChangeListener<AuditViewModel.Fact>) change -> {
            facts.getChildren().clear();
            int row = 0;
            for (AuditViewModel.Fact fact : model.facts()) {
                Label value = new Label(fact.value());
                value.setWrapText(true);
                value.getStyleClass().add("audit-fact");
                facts.addRow(row++, Widgets.label(fact.name(), "field-label"), value);
            }
        });
        Label erased = Widgets.banner(model.erasedProperty(), "warning");
        erased.setId("audit-erased");
        Label diffSummary = new Label();
        diffSummary.setId("audit-diff-summary");
        diffSummary.getStyleClass().add("muted");
        diffSummary.textProperty().bind(model.diffSummaryProperty());
        TableView<AuditDiff.Row> diff = new TableView<>(model.diff());
        diff.setId("audit-diff");
        diff.getStyleClass().add("audit-diff");
        diff.setPlaceholder(new Label("Nothing before or after"));
        diff.getColumns().setAll(List.of(
                column("", r -> r.change().label(), 70),
                column("Field", AuditDiff.Row::field, 160),
                column("Before", r -> r.before() == null ? "" : r.before(), 150),
                column("After", r -> r.after() == null ? "" : r.after(), 150)));
        diff.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        diff.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(AuditDiff.Row item, boolean empty) {
                super.updateItem(item, empty);
                AuditDiff.Change change = empty || item == null ? AuditDiff.Change.SAME : item.change();
                pseudoClassStateChanged(CHANGED, change == AuditDiff.Change.CHANGED);
                pseudoClassStateChanged(ADDED, change == AuditDiff.Change.ADDED);
                pseudoClassStateChanged(REMOVED, change == AuditDiff.Change.REMOVED);
            }
        });
        diff.setPrefHeight(250);
        TextArea details = new TextArea();
        details.setId("audit-details");
        details.setEditable(false);
        details.setPrefRowCount(6);
        details.getStyleClass().add("code");
        details.textProperty().bind(model.detailsProperty());
        Label empty = Widgets.label("Select a record to see its detail.", "muted");
        empty.visibleProperty().bind(model.selectedProperty().isNull());
        empty.managedProperty().bind(empty.visibleProperty());
        VBox content = new VBox(8, empty, facts, erased, Widgets.label("Before and after", "section-title"), diffSummary, diff,
                Widgets.label("Details", "section-title"), details);
        content.setPadding(new Insets(4, 8, 4, 8));
        ScrollPane scroll = new ScrollPane(content);
        scroll.setId("audit-detail");
        scroll.setFitToWidth(true);
        return scroll;
    }

    private Node exportLine() {
        ChoiceBox<String> format = choice("audit-format", AuditViewModel.FORMATS, model.formatProperty(), "");
        format.setConverter(converter(f -> "csv".equals(f) ? "CSV" : "JSON lines"));
        Button export = new Button("Export…");
        export.setId("audit-export");
        export.setOnAction(e -> model.export());
        Label hint = Widgets.label("Exports every record of the chosen period (a contiguous part of the chain); JSON lines "
                + "carry every stored field and verify with tools/audit-verify.py.", "muted");
        hint.setWrapText(true);
        Label ok = Widgets.banner(model.statusProperty(), "info");
        ok.setId("audit-status");
        Label bad = Widgets.banner(model.errorProperty(), "error");
        bad.setId("audit-error");
        HBox line = new HBox(8, Widgets.label("Export", "field-label"), format, export, hint);
        line.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return new VBox(6, line, ok, bad);
    }

    private static TextField field(String id, String prompt, StringProperty value, double width) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.setPrefWidth(width);
        field.textProperty().bindBidirectional(value);
        return field;
    }

    private static ChoiceBox<String> choice(String id, List<String> values, StringProperty value, String blank) {
        ChoiceBox<String> box = new ChoiceBox<>();
        box.setId(id);
        box.getItems().setAll(values);
        box.valueProperty().bindBidirectional(value);
        box.setConverter(converter(v -> v == null || v.isEmpty() ? blank : v));
        return box;
    }

    private static <T> StringConverter<T> converter(Function<T, String> text) {
        return new StringConverter<>() {
            @Override
            public String toString(T value) {
                return text.apply(value);
            }

            @Override
            public T fromString(String string) {
                return null;
            }
        };
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }
}

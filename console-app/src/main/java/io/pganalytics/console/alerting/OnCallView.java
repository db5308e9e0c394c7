package io.pganalytics.console.alerting;

import io.pganalytics.console.common.ui.Widgets;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.util.List;

import static io.pganalytics.console.alerting.RulesView.column;
import static io.pganalytics.console.alerting.RulesView.field;

/** The on-call tab: who is on call now per schedule; the selected schedule's next shifts and overrides. */
public final class OnCallView {
    private final OnCallViewModel model;

    public OnCallView(OnCallViewModel model) {
        this.model = model;
    }

    public Node build() {
        TableView<OnCallViewModel.NowRow> now = new TableView<>(model.now());
        now.setId("oncall-now");
        now.setPlaceholder(new Label("No on-call schedules yet (an admin creates them: docs/ALERTING.md \"On-call\")."));
        now.getColumns().setAll(List.of(column("Schedule", OnCallViewModel.NowRow::schedule, 160),
                column("On call now", OnCallViewModel.NowRow::onCall, 160), column("Contact", OnCallViewModel.NowRow::contact, 200),
                column("Until", OnCallViewModel.NowRow::until, 230), column("Next hand-offs", OnCallViewModel.NowRow::next, 420)));
        now.setPrefHeight(180);
        now.getSelectionModel().selectedItemProperty().addListener((o, was, row) -> {
            if (row != null) {
                model.selectedProperty().set(row);
            }
        });
        model.selectedProperty().addListener((o, was, row) -> {
            if (row != null && now.getSelectionModel().getSelectedItem() != row) {
                now.getSelectionModel().select(row);
            }
        });
        Label summary = new Label();
        summary.setId("oncall-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        Button refresh = new Button("Refresh");
        refresh.setId("oncall-refresh");
        refresh.setOnAction(e -> model.load());
        HBox header = new HBox(10, Widgets.label("Who is on call now", "card-title"), summary, Widgets.grow(), refresh);
        header.setAlignment(Pos.CENTER_LEFT);

        TableView<OnCallViewModel.ShiftRow> shifts = new TableView<>(model.upcoming());
        shifts.setId("oncall-upcoming");
        shifts.setPlaceholder(new Label("Choose a schedule."));
        shifts.getColumns().setAll(List.of(column("Who", OnCallViewModel.ShiftRow::who, 140), column("Rotation", OnCallViewModel.ShiftRow::rotation, 110),
                column("From", OnCallViewModel.ShiftRow::from, 150), column("To", OnCallViewModel.ShiftRow::to, 150),
                column("When", OnCallViewModel.ShiftRow::inWords, 220)));
        shifts.setPrefHeight(220);

        Label ok = Widgets.banner(model.statusProperty(), "info");
        ok.setId("oncall-status");
        Label bad = Widgets.banner(model.errorProperty(), "error");
        bad.setId("oncall-error");
        VBox page = new VBox(12, card(header, now), card(Widgets.label("Next hand-offs", "card-title"), shifts), overrides(), ok, bad);
        page.setPadding(new Insets(8, 0, 0, 0));
        page.setId("oncall");
        ScrollPane scroll = new ScrollPane(page);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("edge-to-edge");
        return scroll;
    }

    private Node overrides() {
        TableView<OnCallViewModel.OverrideRow> table = new TableView<>(model.overrides());
        table.setId("oncall-overrides");
        table.setPlaceholder(new Label("No overrides: the rotations decide."));
        TableColumn<OnCallViewModel.OverrideRow, String> remove = new TableColumn<>("");
        remove.setPrefWidth(90);
        remove.setCellFactory(c -> new TableCell<>() {
            private final Button button = new Button("Remove");

            {
                button.setOnAction(e -> model.removeOverride(getTableRow().getItem()));
                button.setDisable(!model.mayOperate());
            }

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setGraphic(empty ? null : button);
            }
        });
        table.getColumns().setAll(List.of(column("Who", OnCallViewModel.OverrideRow::who, 140), column("From", OnCallViewModel.OverrideRow::from, 150),
                column("To", OnCallViewModel.OverrideRow::to, 150), column("Reason", OnCallViewModel.OverrideRow::reason, 300), remove));
        table.setPrefHeight(140);
        ComboBox<String> who = new ComboBox<>(model.people());
        who.setId("override-who");
        who.setPrefWidth(160);
        who.valueProperty().bindBidirectional(model.newWhoProperty());
        TextField from = field("override-from", "2026-12-08 18:00", model.newFromProperty());
        TextField to = field("override-to", "2026-12-09 09:00", model.newToProperty());
        TextField reason = field("override-reason", "covering for Bob", model.newReasonProperty());
        reason.setPrefColumnCount(22);
        Button add = new Button("Add override");
        add.setId("override-add");
        add.setOnAction(e -> model.addOverride());
        GridPane form = new GridPane(10, 6);
        form.addRow(0, Widgets.label("Who", "field-label"), Widgets.label("From (UTC)", "field-label"), Widgets.label("Until (UTC)", "field-label"),
                Widgets.label("Reason", "field-label"));
        form.addRow(1, who, from, to, reason, add);
        for (Node n : List.of(who, from, to, reason, add)) {
            n.setDisable(!model.mayOperate());
        }
        VBox card = card(Widgets.label("Overrides of the selected schedule", "card-title"), table, form);
        if (!model.mayOperate()) {
            card.getChildren().add(Widgets.label("Adding and removing overrides needs the operator or admin role.", "muted"));
        }
        return card;
    }

    private static VBox card(Node... children) {
        VBox card = new VBox(8, children);
        card.getStyleClass().add("card");
        return card;
    }
}

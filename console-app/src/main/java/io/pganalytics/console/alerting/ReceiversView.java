package io.pganalytics.console.alerting;

import io.pganalytics.console.common.ui.Widgets;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.util.List;

import static io.pganalytics.console.alerting.RulesView.column;
import static io.pganalytics.console.alerting.RulesView.combo;
import static io.pganalytics.console.alerting.RulesView.field;

/** Administration's Notifications tab: receivers (secret write-only) and routes, each a table above its form. */
public final class ReceiversView {
    private final ReceiversViewModel model;

    public ReceiversView(ReceiversViewModel model) {
        this.model = model;
    }

    public Node build() {
        Label ok = Widgets.banner(model.statusProperty(), "info");
        ok.setId("receivers-status");
        Label bad = Widgets.banner(model.errorProperty(), "error");
        bad.setId("receivers-error");
        VBox page = new VBox(12, ok, bad, receivers(), routes());
        page.setPadding(new Insets(10));
        page.setId("notifications-admin");
        ScrollPane scroll = new ScrollPane(page);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("edge-to-edge");
        return scroll;
    }

    private Node receivers() {
        TableView<ReceiversViewModel.ReceiverRow> table = new TableView<>(model.receivers());
        table.setId("receivers-table");
        table.setPlaceholder(new Label("No receivers: add one below, then a route to it."));
        table.getColumns().setAll(List.of(column("Name", ReceiversViewModel.ReceiverRow::name, 160),
                column("Kind", ReceiversViewModel.ReceiverRow::kind, 90), column("Settings", ReceiversViewModel.ReceiverRow::settings, 380),
                column("Secret", ReceiversViewModel.ReceiverRow::secret, 150), column("Changed", ReceiversViewModel.ReceiverRow::updated, 150)));
        table.setPrefHeight(170);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                model.selectedReceiverProperty().set(now);
            }
        });
        TextField name = field("receiver-name", "dba-mail", model.receiverNameProperty());
        ComboBox<String> kind = combo("receiver-kind", ReceiversViewModel.KINDS, model.kindProperty());
        TextArea settings = new TextArea();
        settings.setId("receiver-settings");
        settings.setPromptText("one key=value per line: to=dba@example.com\nfrom=pganalytics@example.com\nsmtpHost=mail.example.com\nsmtpPort=587");
        settings.setPrefRowCount(4);
        settings.textProperty().bindBidirectional(model.settingsProperty());
        PasswordField secret = new PasswordField();
        secret.setId("receiver-secret");
        secret.promptTextProperty().bind(model.secretNameProperty().map(n -> n + " (write-only)"));
        secret.textProperty().bindBidirectional(model.secretProperty());
        Label secretState = new Label();
        secretState.setId("receiver-secret-state");
        secretState.getStyleClass().add("muted");
        secretState.setWrapText(true);
        secretState.textProperty().bind(model.secretStateProperty());
        Button add = new Button("New receiver");
        add.setId("receiver-new");
        add.setOnAction(e -> model.newReceiver());
        Button save = new Button("Save receiver");
        save.setId("receiver-save");
        save.getStyleClass().add("accent");
        save.setOnAction(e -> model.saveReceiver());
        Button test = new Button("Send a test");
        test.setId("receiver-test");
        test.setOnAction(e -> model.testReceiver());
        test.disableProperty().bind(model.selectedReceiverProperty().isNull());
        Button delete = new Button("Delete…");
        delete.setId("receiver-delete");
        delete.setOnAction(e -> model.deleteReceiver());
        delete.disableProperty().bind(model.selectedReceiverProperty().isNull());
        GridPane form = new GridPane(10, 6);
        form.addRow(0, Widgets.label("Name", "field-label"), new HBox(8, name, kind));
        form.addRow(1, Widgets.label("Settings", "field-label"), settings);
        form.addRow(2, Widgets.label("Secret", "field-label"), new VBox(4, secret, secretState));
        HBox actions = new HBox(8, add, save, test, delete);
        actions.setAlignment(Pos.CENTER_LEFT);
        return card(Widgets.label("Receivers", "card-title"), table, form, actions);
    }

    private Node routes() {
        TableView<ReceiversViewModel.RouteRow> table = new TableView<>(model.routes());
        table.setId("routes-table");
        table.setPlaceholder(new Label("No routes: no incident is notified."));
        table.getColumns().setAll(List.of(column("#", ReceiversViewModel.RouteRow::position, 50), column("Name", ReceiversViewModel.RouteRow::name, 160),
                column("Matchers", ReceiversViewModel.RouteRow::matchers, 240), column("Notify", ReceiversViewModel.RouteRow::target, 180),
                column("Timings", ReceiversViewModel.RouteRow::timings, 260), column("Then", ReceiversViewModel.RouteRow::continues, 80)));
        table.setPrefHeight(170);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                model.selectedRouteProperty().set(now);
            }
        });
        TextField position = field("route-position", "10", model.positionProperty());
        position.setPrefColumnCount(4);
        TextField name = field("route-name", "critical to the on-call DBA", model.routeNameProperty());
        TextField matchers = field("route-matchers", "severity=critical, env=~prod.*  (none: every incident)", model.matchersProperty());
        matchers.setPrefColumnCount(30);
        ComboBox<String> target = new ComboBox<>(model.targets());
        target.setId("route-target");
        target.setPrefWidth(240);
        target.valueProperty().bindBidirectional(model.targetProperty());
        TextField wait = field("route-group-wait", "group wait 30s", model.groupWaitProperty());
        TextField interval = field("route-group-interval", "group interval 5m", model.groupIntervalProperty());
        TextField repeat = field("route-repeat", "repeat 4h", model.repeatIntervalProperty());
        for (TextField f : List.of(wait, interval, repeat)) {
            f.setPrefColumnCount(9);
        }
        CheckBox continues = new CheckBox("continue matching later routes");
        continues.setId("route-continue");
        continues.selectedProperty().bindBidirectional(model.continueMatchingProperty());
        Button add = new Button("New route");
        add.setId("route-new");
        add.setOnAction(e -> model.newRoute());
        Button save = new Button("Save route");
        save.setId("route-save");
        save.getStyleClass().add("accent");
        save.setOnAction(e -> model.saveRoute());
        Button delete = new Button("Delete…");
        delete.setId("route-delete");
        delete.setOnAction(e -> model.deleteRoute());
        delete.disableProperty().bind(model.selectedRouteProperty().isNull());
        GridPane form = new GridPane(10, 6);
        form.addRow(0, Widgets.label("Position", "field-label"), new HBox(8, position, name));
        form.addRow(1, Widgets.label("Matchers", "field-label"), matchers);
        form.addRow(2, Widgets.label("Notify", "field-label"), target);
        form.addRow(3, Widgets.label("Timings", "field-label"), new HBox(8, wait, interval, repeat));
        form.addRow(4, new Label(), continues);
        HBox actions = new HBox(8, add, save, delete);
        actions.setAlignment(Pos.CENTER_LEFT);
        return card(Widgets.label("Routes", "card-title"), Widgets.label("Tried in position order; the first whose matchers all match an incident's "
                + "labels notifies, and later ones too when it continues. Empty timings take the server's defaults.", "muted"), table, form, actions);
    }

    private static VBox card(Node... children) {
        VBox card = new VBox(8, children);
        card.getStyleClass().add("card");
        return card;
    }
}

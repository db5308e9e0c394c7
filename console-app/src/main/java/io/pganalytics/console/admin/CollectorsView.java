package io.pganalytics.console.admin;

import io.pganalytics.common.collectors.CollectorView;
import io.pganalytics.common.collectors.RegistrationTokenState;
import io.pganalytics.common.collectors.RegistrationTokenView;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The collectors tab: the registered collectors and the registration tokens, one table above the other; issuing a
 * token (its secret shown once, selectable) and the revocations in a card on the right.
 */
public final class CollectorsView {
    private final CollectorsViewModel model;

    public CollectorsView(CollectorsViewModel model) {
        this.model = model;
    }

    public Node build() {
        VBox main = new VBox(12, Widgets.label("Collectors", "card-title"), collectorsTable(),
                Widgets.label("Registration tokens", "card-title"), tokensTable());
        HBox.setHgrow(main, Priority.ALWAYS);
        VBox side = actions();
        side.setPrefWidth(340);
        side.setMinWidth(300);
        side.getStyleClass().add("card");
        HBox page = new HBox(12, main, side);
        page.setPadding(new Insets(4));
        ScrollPane scroll = new ScrollPane(page);
        scroll.setId("admin-collectors");
        scroll.setFitToWidth(true);
        return scroll;
    }

    private Node collectorsTable() {
        TableView<CollectorView> table = new TableView<>(model.collectors());
        table.setId("collectors-table");
        table.setPlaceholder(new Label("No collector registered yet"));
        table.getColumns().setAll(List.of(
                column("Name", CollectorView::name, 160),
                column("Host", CollectorView::hostname, 180),
                column("Version", CollectorView::version, 90),
                column("Registered", c -> time(c.createdAt()), 190),
                column("State", c -> c.enabled() ? "enabled" : "disabled", 90)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> model.selectedCollectorProperty().set(now));
        table.setPrefHeight(260);
        return table;
    }

    private Node tokensTable() {
        TableView<RegistrationTokenView> table = new TableView<>(model.tokens());
        table.setId("registration-tokens-table");
        table.setPlaceholder(new Label("No registration token issued yet"));
        table.getColumns().setAll(List.of(
                column("Id", t -> String.valueOf(t.id()), 60),
                column("Note", t -> t.note() == null ? "" : t.note(), 200),
                column("State", t -> t.state().name().toLowerCase(Locale.ROOT), 80),
                column("Uses left", CollectorsViewModel::usesLeft, 90),
                column("Created by", RegistrationTokenView::createdBy, 100),
                column("Expires", t -> time(t.expiresAt()), 190),
                column("Last used by collector", t -> t.usedByCollectorId() == null ? "" : t.usedByCollectorId(), 200)));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> model.selectedTokenProperty().set(now));
        table.setPrefHeight(260);
        return table;
    }

    private VBox actions() {
        TextField note = new TextField();
        note.setId("token-note");
        note.setPromptText("Note: the host, a ticket");
        note.textProperty().bindBidirectional(model.noteProperty());
        TextField hours = new TextField();
        hours.setId("token-hours");
        hours.setPrefColumnCount(5);
        hours.textProperty().bindBidirectional(model.expiresInHoursProperty());
        TextField uses = new TextField();
        uses.setId("token-max-uses");
        uses.setPrefColumnCount(5);
        uses.textProperty().bindBidirectional(model.maxUsesProperty());
        Button issue = button("Issue token", "token-create", model::createToken);
        issue.getStyleClass().add("accent");
        issue.disableProperty().bind(model.busyProperty());

        TextField secret = new TextField();
        secret.setId("token-secret");
        secret.setEditable(false);
        secret.getStyleClass().add("monospace");
        secret.textProperty().bind(model.createdTokenProperty());
        Button hide = button("Hide", "token-secret-hide", model::clearCreatedToken);
        Label once = Widgets.label("Shown once: give it to whoever installs the collector "
                + "(pganalytics-collector register --server URL --token ...).", "muted");
        once.setWrapText(true);
        VBox shown = new VBox(6, Widgets.label("New registration token", "field-label"), new HBox(6, secret, hide), once);
        HBox.setHgrow(secret, Priority.ALWAYS);
        shown.visibleProperty().bind(model.createdTokenProperty().isNotEmpty());
        shown.managedProperty().bind(shown.visibleProperty());

        Button revokeToken = button("Revoke token…", "token-revoke", model::revokeToken);
        revokeToken.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                () -> model.busyProperty().get() || model.selectedTokenProperty().get() == null
                        || model.selectedTokenProperty().get().state() != RegistrationTokenState.ACTIVE,
                model.busyProperty(), model.selectedTokenProperty()));
        Button revokeCollector = button("Revoke collector…", "collector-revoke", model::revokeCollector);
        revokeCollector.disableProperty().bind(model.selectedCollectorProperty().isNull().or(model.busyProperty()));

        Label ok = Widgets.banner(model.statusProperty(), "info");
        ok.setId("collectors-status");
        ok.setWrapText(true);
        Label bad = Widgets.banner(model.errorProperty(), "error");
        bad.setId("collectors-error");
        bad.setWrapText(true);
        Button refresh = button("Refresh", "collectors-refresh", model::load);
        return new VBox(8, refresh, Widgets.label("Issue a registration token", "card-title"), note,
                new HBox(8, Widgets.label("Expires in (hours)", "field-label"), hours),
                new HBox(8, Widgets.label("Collectors (uses; a DaemonSet: its node count)", "field-label"), uses), issue, shown,
                Widgets.label("Revoke", "card-title"), revokeToken, revokeCollector, ok, bad);
    }

    private static String time(Instant at) {
        return at == null ? "" : at.toString();
    }

    private static <T> TableColumn<T, String> column(String title, Function<T, String> value, double width) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }

    private static Button button(String text, String id, Runnable action) {
        Button button = new Button(text);
        button.setId(id);
        button.setOnAction(e -> action.run());
        return button;
    }
}

package io.pganalytics.console.connect;

import io.pganalytics.console.common.ui.Widgets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** The connect screen: a card with the server's address, and the trust decision when one is needed. */
public final class ConnectView {
    private final ConnectViewModel model;

    public ConnectView(ConnectViewModel model) {
        this.model = model;
    }

    public Node build() {
        Label title = Widgets.label("Connect to a pgAnalytics server", "card-title");
        Label hint = Widgets.label("The address of the server's HTTPS API, for example https://pganalytics.example.com:8443",
                "muted");
        hint.setWrapText(true);

        ComboBox<String> address = new ComboBox<>(model.knownServers());
        address.setId("server-address");
        address.setEditable(true);
        address.setPromptText("https://host:8443");
        address.setMaxWidth(Double.MAX_VALUE);
        address.getEditor().textProperty().bindBidirectional(model.addressProperty());
        HBox.setHgrow(address, Priority.ALWAYS);
        address.getEditor().setOnAction(e -> model.connect());

        Button connect = new Button("Connect");
        connect.setId("connect");
        connect.setDefaultButton(true);
        connect.disableProperty().bind(model.busyProperty().or(model.decisionPendingProperty()));
        connect.setOnAction(e -> model.connect());

        HBox row = new HBox(8, address, connect, Widgets.spinner(model.busyProperty()));
        row.setAlignment(Pos.CENTER_LEFT);

        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("connect-error");

        VBox card = new VBox(14, title, hint, row, error, decision());
        card.getStyleClass().add("card");
        card.setMaxWidth(620);
        card.setFillWidth(true);

        VBox page = new VBox(24, Widgets.brand(), card);
        page.setAlignment(Pos.CENTER);
        StackPane root = new StackPane(page);
        root.getStyleClass().add("welcome");
        return root;
    }

    private Node decision() {
        Label heading = new Label();
        heading.setId("trust-title");
        heading.textProperty().bind(model.decisionTitleProperty());
        heading.getStyleClass().add("section-title");
        Label text = new Label();
        text.textProperty().bind(model.decisionTextProperty());
        text.setWrapText(true);

        Label fingerprintLabel = Widgets.label("SHA-256 fingerprint", "muted");
        TextField fingerprint = new TextField();
        fingerprint.setId("fingerprint");
        fingerprint.setEditable(false);
        fingerprint.textProperty().bind(model.fingerprintProperty());
        fingerprint.getStyleClass().add("monospace");
        Label details = new Label();
        details.textProperty().bind(model.certificateDetailsProperty());
        details.getStyleClass().add("muted");
        details.setWrapText(true);

        Button trust = new Button("Trust this certificate and connect");
        trust.setId("trust");
        trust.disableProperty().bind(model.busyProperty());
        trust.setOnAction(e -> model.trust());
        Button cancel = new Button("Cancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> model.cancelTrust());
        HBox buttons = new HBox(8, Widgets.grow(), cancel, trust);

        VBox box = new VBox(10, heading, text, fingerprintLabel, fingerprint, details, buttons);
        box.getStyleClass().add("trust-box");
        model.certificateChangedProperty().addListener((o, was, changed) -> {
            box.getStyleClass().remove("trust-box-danger");
            trust.getStyleClass().remove("danger");
            if (changed) {
                box.getStyleClass().add("trust-box-danger");
                trust.getStyleClass().add("danger");
            }
        });
        box.visibleProperty().bind(model.decisionPendingProperty());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }
}

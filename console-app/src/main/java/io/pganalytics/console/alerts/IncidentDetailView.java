package io.pganalytics.console.alerts;

import io.pganalytics.console.common.ui.Widgets;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.util.List;

/** An incident's detail: title and state, its alerts, hints and notifications, acknowledge / resolve and feedback. */
final class IncidentDetailView {
    private final IncidentDetailViewModel model;

    IncidentDetailView(IncidentDetailViewModel model) {
        this.model = model;
    }

    Node build() {
        Label title = new Label();
        title.setId("incident-title");
        title.getStyleClass().add("section-title");
        title.textProperty().bind(model.titleProperty());
        title.setWrapText(true);
        Label summary = new Label();
        summary.setId("incident-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(model.summaryProperty());
        summary.setWrapText(true);
        Button acknowledge = new Button("Acknowledge");
        acknowledge.setId("incident-acknowledge");
        acknowledge.setOnAction(e -> model.acknowledge());
        acknowledge.disableProperty().bind(model.canAcknowledgeProperty().not().or(model.busyProperty()));
        Button resolve = new Button("Resolve");
        resolve.setId("incident-resolve");
        resolve.setOnAction(e -> model.resolve());
        resolve.disableProperty().bind(model.canResolveProperty().not().or(model.busyProperty()));
        HBox actions = new HBox(8, acknowledge, resolve);

        TableView<AlertsViewModel.AlertRow> alerts = AlertsView.alertTable("incident-alerts", model.alerts(),
                "Its alerts appear here.", null);
        alerts.setPrefHeight(150);

        TableView<IncidentDetailViewModel.HintRow> hints = new TableView<>(model.hints());
        hints.setId("incident-hints");
        hints.setPlaceholder(new Label("No root-cause hint: anomaly detection saw nothing on the instance around its start."));
        hints.getColumns().setAll(List.of(
                AlertsView.column("#", h -> Integer.toString(h.rank()), 40),
                AlertsView.column("Kind", IncidentDetailViewModel.HintRow::type, 110),
                AlertsView.column("What", IncidentDetailViewModel.HintRow::subject, 320),
                AlertsView.column("Why", IncidentDetailViewModel.HintRow::detail, 320),
                AlertsView.column("When", IncidentDetailViewModel.HintRow::at, 150)));
        hints.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        hints.setPrefHeight(120);

        TableView<IncidentDetailViewModel.NotificationRow> notifications = new TableView<>(model.notifications());
        notifications.setId("incident-notifications");
        notifications.setPlaceholder(new Label("Nothing sent for this incident (yet, or no route matched it)."));
        notifications.getColumns().setAll(List.of(
                AlertsView.column("Event", IncidentDetailViewModel.NotificationRow::event, 130),
                AlertsView.column("To", IncidentDetailViewModel.NotificationRow::to, 220),
                AlertsView.column("State", IncidentDetailViewModel.NotificationRow::state, 110),
                AlertsView.column("Attempts", IncidentDetailViewModel.NotificationRow::attempts, 70),
                AlertsView.column("Decided", IncidentDetailViewModel.NotificationRow::created, 150),
                AlertsView.column("Sent", IncidentDetailViewModel.NotificationRow::sent, 150),
                AlertsView.column("Response", IncidentDetailViewModel.NotificationRow::response, 220)));
        notifications.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        notifications.setPrefHeight(120);

        Label feedback = new Label();
        feedback.setId("incident-feedback");
        feedback.textProperty().bind(model.feedbackProperty());
        TextField comment = new TextField();
        comment.setId("incident-comment");
        comment.setPromptText("A comment (optional): why it was useful or noise");
        comment.setPrefColumnCount(28);
        comment.textProperty().bindBidirectional(model.commentProperty());
        Button useful = new Button("Useful");
        useful.setId("incident-useful");
        useful.setOnAction(e -> model.useful());
        Button noise = new Button("Noise");
        noise.setId("incident-noise");
        noise.setOnAction(e -> model.noise());
        for (Node n : List.of(comment, useful, noise)) {
            if (model.mayOperate()) {
                n.disableProperty().bind(model.incidentProperty().isNull().or(model.busyProperty()));
            } else {
                n.setDisable(true);
            }
        }
        HBox feedbackBar = new HBox(8, Widgets.label("Worth a notification?", "field-label"), comment, useful, noise, feedback);
        feedbackBar.setAlignment(Pos.CENTER_LEFT);
        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("incident-error");

        HBox actionsAndFeedback = new HBox(16, actions, feedbackBar);
        actionsAndFeedback.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, title, summary, actionsAndFeedback, error, Widgets.label("Alerts", "field-label"), alerts,
                Widgets.label("Root-cause hints", "field-label"), hints, Widgets.label("Notifications", "field-label"), notifications);
        box.setPadding(new Insets(8, 0, 8, 0));
        box.setId("incident-detail");
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        return scroll;
    }
}

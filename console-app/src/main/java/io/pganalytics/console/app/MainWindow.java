package io.pganalytics.console.app;

import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.common.ui.Widgets;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

/** The window's frame: an application bar (once signed in) over the current screen. */
final class MainWindow {
    private final BorderPane root = new BorderPane();
    private final Scene scene;
    private final StringProperty location = new SimpleStringProperty("");
    private final StringProperty account = new SimpleStringProperty("");
    private final HBox bar;

    private final Button admin;
    private final Button audit;
    private final Button backups;

    MainWindow(ObjectProperty<Theme> theme, Runnable onFleet, Runnable onAnomalies, Runnable onAlerts, Runnable onAdmin, Runnable onAudit, Runnable onBackups, Runnable onTwoFactor, Runnable onSignOut,
               double width, double height) {
        Label mark = Widgets.label("pg", "brand-mark-small");
        Label name = Widgets.label("pgAnalytics", "app-name");
        Button fleet = new Button("Fleet");
        fleet.setId("nav-fleet");
        fleet.getStyleClass().add("nav-button");
        fleet.setOnAction(e -> onFleet.run());
        Button anomalies = new Button("Anomalies");
        anomalies.setId("nav-anomalies");
        anomalies.getStyleClass().add("nav-button");
        anomalies.setTooltip(new Tooltip("The fleet's anomalies, live: their detail, root-cause hints and feedback; each instance's sensitivity"));
        anomalies.setOnAction(e -> onAnomalies.run());
        Button alerts = new Button("Alerts");
        alerts.setId("nav-alerts");
        alerts.getStyleClass().add("nav-button");
        alerts.setTooltip(new Tooltip("What fires now, the incidents and the history, live: acknowledge (A) and silence (S)"));
        alerts.setOnAction(e -> onAlerts.run());
        Label where = new Label();
        where.getStyleClass().add("breadcrumb");
        where.textProperty().bind(location);
        Label who = new Label();
        who.setId("account");
        who.getStyleClass().add("muted");
        who.textProperty().bind(account);
        Button themeButton = new Button();
        themeButton.setId("theme-toggle");
        themeButton.getStyleClass().add("nav-button");
        themeButton.textProperty().bind(theme.map(t -> t == Theme.DARK ? "Light theme" : "Dark theme"));
        themeButton.setTooltip(new Tooltip("Switch between the light and dark theme (Ctrl+T)"));
        themeButton.setOnAction(e -> theme.set(theme.get().other()));
        admin = new Button("Administration");
        admin.setId("nav-admin");
        admin.getStyleClass().add("nav-button");
        admin.setOnAction(e -> onAdmin.run());
        admin.managedProperty().bind(admin.visibleProperty());
        admin.setVisible(false);
        audit = new Button("Audit");
        audit.setId("nav-audit");
        audit.getStyleClass().add("nav-button");
        audit.setTooltip(new Tooltip("Who did what and when: the audit trail, its verification and export"));
        audit.setOnAction(e -> onAudit.run());
        audit.managedProperty().bind(audit.visibleProperty());
        audit.setVisible(false);
        backups = new Button("Backups");
        backups.setId("nav-backups");
        backups.getStyleClass().add("nav-button");
        backups.setTooltip(new Tooltip("Backups of this server's own database: catalogue, runs, schedule, restore"));
        backups.setOnAction(e -> onBackups.run());
        backups.managedProperty().bind(backups.visibleProperty());
        backups.setVisible(false);
        Button twoFactor = new Button("Two-factor sign-in");
        twoFactor.setId("nav-mfa");
        twoFactor.getStyleClass().add("nav-button");
        twoFactor.setTooltip(new Tooltip("Set up an authenticator app for your account"));
        twoFactor.setOnAction(e -> onTwoFactor.run());
        Button signOut = new Button("Sign out");
        signOut.setId("sign-out");
        signOut.getStyleClass().add("nav-button");
        signOut.setOnAction(e -> onSignOut.run());
        bar = new HBox(10, mark, name, fleet, anomalies, alerts, admin, audit, backups, where, Widgets.grow(), who, twoFactor, themeButton, signOut);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("app-bar");
        scene = new Scene(root, width, height);
        theme.addListener((o, a, t) -> t.applyTo(scene));
        theme.get().applyTo(scene);
    }

    Scene scene() {
        return scene;
    }

    /** A welcome screen (connect, sign in): no application bar. */
    void showWelcome(Node content) {
        root.setTop(null);
        root.setCenter(content);
    }

    void showSignedIn(Node content, String where) {
        root.setTop(bar);
        root.setCenter(content);
        location.set(where);
    }

    void account(String text) {
        account.set(text);
    }

    /** The administration button: for admins only (the server checks again). */
    void administration(boolean shown) {
        admin.setVisible(shown);
    }

    /** The audit button: for auditors and admins only (the server checks again). */
    void audit(boolean shown) {
        audit.setVisible(shown);
    }

    /** The backups button: for operators and admins only (the server checks again). */
    void backups(boolean shown) {
        backups.setVisible(shown);
    }
}

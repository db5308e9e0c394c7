package io.pganalytics.console.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The JavaFX application: builds the composition root and shows the main window. */
public final class ConsoleApplication extends Application {
    @Override
    public void start(Stage stage) {
        stage.setTitle("pgAnalytics");
        stage.setScene(new Scene(new Label("pgAnalytics"), 1200, 800));
        stage.show();
    }
}

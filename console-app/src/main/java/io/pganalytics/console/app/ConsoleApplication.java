package io.pganalytics.console.app;

import io.pganalytics.console.common.ConsoleHome;
import javafx.application.Application;
import javafx.stage.Stage;

/** The JavaFX application: hands the primary stage to the composition root. */
public final class ConsoleApplication extends Application {
    private CompositionRoot root;

    @Override
    public void start(Stage stage) {
        StartupArguments arguments = StartupArguments.parse(getParameters().getRaw());
        root = new CompositionRoot(ConsoleHome.fromEnvironment(), page -> getHostServices().showDocument(page.toString()));
        root.start(stage, arguments);
    }

    @Override
    public void stop() {
        if (root != null) {
            root.close();
        }
    }
}

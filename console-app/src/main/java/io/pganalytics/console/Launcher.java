package io.pganalytics.console;

import io.pganalytics.console.app.ConsoleApplication;
import javafx.application.Application;

/**
 * The console's entry point. JavaFX refuses to start an {@link Application} subclass named as the main class of a
 * class-path application ("JavaFX runtime components are missing"), so {@code java -jar} starts this plain class,
 * which hands over to {@link ConsoleApplication}.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        Application.launch(ConsoleApplication.class, args);
    }
}

package io.pganalytics.console.common;

/**
 * Where view-models report what a person should know: a human sentence for the screen; the cause goes to the log
 * where the notice is raised. The application shows them as ControlsFX notifications; tests record them.
 */
public interface Notices {
    void info(String title, String sentence);

    void error(String title, String sentence);
}

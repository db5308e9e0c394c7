package io.pganalytics.console.alerts;

/**
 * Shows the silence form (on the UI thread) until the person saves it ({@link SilenceViewModel#save}) or cancels;
 * the composition root injects the dialog, tests a prompt that fills and saves the form.
 */
public interface SilencePrompt {
    void ask(SilenceViewModel form);
}

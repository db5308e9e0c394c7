package io.pganalytics.console.admin;

/** Asks the person to confirm an action (on the UI thread); {@code onConfirm} runs only when they do. */
public interface Confirmation {
    /**
     * @param title   what is about to happen, as a title ("Retire data key 3")
     * @param details what it does, and whether it can be undone
     * @param action  the confirming button's text ("Retire")
     */
    void ask(String title, String details, String action, Runnable onConfirm);

    /** As {@link #ask(String, String, String, Runnable)}; {@code onCancel} runs when the person does not confirm. */
    default void ask(String title, String details, String action, Runnable onConfirm, Runnable onCancel) {
        ask(title, details, action, onConfirm);
    }
}

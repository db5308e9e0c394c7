package io.pganalytics.console.admin;

import io.pganalytics.common.audit.ConfirmationRequired;
import io.pganalytics.console.common.Figures;

/**
 * Shows the person the confirmation a server asked for (428 {@code confirmation_required}), on the UI thread: its
 * summary, and whether a fresh second factor follows. Exactly one of the callbacks runs.
 */
public interface ServerConfirmation {
    /** Confirms nothing: every confirmation is declined (for a service that must never repeat a request). */
    ServerConfirmation DECLINE = (asked, onConfirm, onCancel) -> onCancel.run();

    void ask(ConfirmationRequired asked, Runnable onConfirm, Runnable onCancel);

    /** What the dialog says under the server's summary: how long the confirmation holds, and a second factor to come. */
    static String footnote(ConfirmationRequired asked) {
        String until = asked.expiresAt() == null ? "" : " This confirmation holds until " + Figures.time(asked.expiresAt()) + ".";
        String factor = asked.secondFactorNeeded() ? " Your second factor is asked for next." : "";
        return "Nothing is changed until you confirm." + until + factor + " Both steps are recorded in the audit trail.";
    }
}

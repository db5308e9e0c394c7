package io.pganalytics.console.admin;

import io.pganalytics.common.audit.ConfirmationRequired;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;

import java.util.function.Supplier;

/**
 * {@link Confirmation} and {@link ServerConfirmation} as a small modal dialog: what happens, the action's own button,
 * and Cancel (the default).
 */
public final class ConfirmDialog implements Confirmation, ServerConfirmation {
    private final Supplier<Window> owner;

    public ConfirmDialog(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public void ask(String title, String details, String action, Runnable onConfirm) {
        show(title, null, details, action, onConfirm, () -> { });
    }

    @Override
    public void ask(String title, String details, String action, Runnable onConfirm, Runnable onCancel) {
        show(title, null, details, action, onConfirm, onCancel);
    }

    @Override
    public void ask(ConfirmationRequired asked, Runnable onConfirm, Runnable onCancel) {
        show("Confirm: " + asked.action(), asked.summary(), ServerConfirmation.footnote(asked), "Confirm", onConfirm, onCancel);
    }

    private void show(String title, String header, String details, String action, Runnable onConfirm, Runnable onCancel) {
        ButtonType confirm = new ButtonType(action, ButtonBar.ButtonData.OK_DONE);
        ButtonType cancel = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, details, confirm, cancel);
        alert.initOwner(owner.get());
        alert.setTitle(title);
        alert.setHeaderText(header == null ? title : header);
        alert.getDialogPane().setId("confirm-dialog");
        alert.getDialogPane().setPrefWidth(520);
        alert.getDialogPane().lookupButton(confirm).setId("confirm-ok");
        alert.getDialogPane().lookupButton(cancel).setId("confirm-cancel");
        ((Button) alert.getDialogPane().lookupButton(confirm)).setDefaultButton(false);
        ((Button) alert.getDialogPane().lookupButton(cancel)).setDefaultButton(true);
        alert.setOnHidden(e -> {
            if (alert.getResult() == confirm) {
                onConfirm.run();
            } else {
                onCancel.run();
            }
        });
        alert.show();
    }
}

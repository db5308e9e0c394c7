package io.pganalytics.console.admin;

import io.pganalytics.console.mfa.MfaMethod;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import javafx.util.StringConverter;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** The step-up prompt as a small modal dialog: a method and a code. */
public final class StepUpDialog implements StepUpPrompt {
    private final Supplier<Window> owner;

    public StepUpDialog(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public void ask(Consumer<Factor> onAnswer, Runnable onCancel) {
        Dialog<Factor> dialog = new Dialog<>();
        dialog.initOwner(owner.get());
        dialog.setTitle("Confirm with your second factor");
        dialog.setHeaderText("This change needs a fresh second factor.");
        ChoiceBox<MfaMethod> method = new ChoiceBox<>();
        method.setId("step-up-method");
        method.getItems().setAll(MfaMethod.values());
        method.setValue(MfaMethod.TOTP);
        method.setConverter(new StringConverter<>() {
            @Override
            public String toString(MfaMethod value) {
                return value == null ? "" : value.label();
            }

            @Override
            public MfaMethod fromString(String text) {
                return null;
            }
        });
        TextField code = new TextField();
        code.setId("step-up-code");
        code.setPromptText("Code");
        dialog.getDialogPane().setContent(new VBox(8, new Label("Method"), method, new Label("Code"), code));
        dialog.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        dialog.getDialogPane().lookupButton(ButtonType.OK).setId("step-up-ok");
        dialog.setResultConverter(button -> button == ButtonType.OK && !code.getText().isBlank()
                ? new Factor(method.getValue().wireName(), code.getText().strip().replace(" ", "")) : null);
        dialog.setOnShown(e -> code.requestFocus());
        dialog.setOnHidden(e -> {
            Factor factor = dialog.getResult();
            if (factor == null) {
                onCancel.run();
            } else {
                onAnswer.accept(factor);
            }
        });
        dialog.show();
    }
}

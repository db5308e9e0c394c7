package io.pganalytics.console.alerts;

import io.pganalytics.console.common.ui.Widgets;
import javafx.event.ActionEvent;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.util.function.Supplier;

/**
 * The silence form as a modal dialog: duration, reason, matchers. Save keeps the dialog open until the server stored the
 * silence, and shows its refusal in the dialog.
 */
public final class SilenceDialog implements SilencePrompt {
    private final Supplier<Window> owner;

    public SilenceDialog(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public void ask(SilenceViewModel form) {
        Dialog<Boolean> dialog = new Dialog<>();
        dialog.initOwner(owner.get());
        dialog.setTitle("Silence alerts");
        dialog.setHeaderText(form.titleProperty().get());
        ComboBox<String> duration = new ComboBox<>();
        duration.setId("silence-duration");
        duration.setEditable(true);
        duration.getItems().setAll(SilenceViewModel.DURATIONS);
        duration.getEditor().textProperty().bindBidirectional(form.durationProperty());
        duration.setValue(form.durationProperty().get());
        Label until = new Label();
        until.setId("silence-until");
        until.getStyleClass().add("muted");
        until.textProperty().bind(form.untilProperty());
        TextField reason = new TextField();
        reason.setId("silence-reason");
        reason.setPromptText("Why (required): a planned migration, a known issue being fixed…");
        reason.setPrefColumnCount(40);
        reason.textProperty().bindBidirectional(form.reasonProperty());
        TextArea matchers = new TextArea();
        matchers.setId("silence-matchers");
        matchers.setPrefRowCount(4);
        matchers.setPrefColumnCount(40);
        matchers.textProperty().bindBidirectional(form.matchersProperty());
        Label help = Widgets.label("One matcher a line: label=\"value\"; != for not equal, =~ and !~ for a regular expression that"
                + " matches the whole value, or does not. An alert is silenced when every matcher holds.", "muted");
        help.setWrapText(true);
        help.setMaxWidth(460);
        Label error = Widgets.banner(form.errorProperty(), "error");
        error.setId("silence-error");
        error.setMaxWidth(460);
        dialog.getDialogPane().setContent(new VBox(8, Widgets.label("Duration", "field-label"), duration, until,
                Widgets.label("Reason", "field-label"), reason, Widgets.label("Matchers", "field-label"), matchers, help, error));
        ButtonType save = new ButtonType("Silence", javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
        dialog.getDialogPane().getButtonTypes().setAll(save, ButtonType.CANCEL);
        Button saveButton = (Button) dialog.getDialogPane().lookupButton(save);
        saveButton.setId("silence-save");
        saveButton.disableProperty().bind(form.busyProperty());
        saveButton.addEventFilter(ActionEvent.ACTION, e -> {
            e.consume();
            form.save(() -> {
                dialog.setResult(Boolean.TRUE);
                dialog.close();
            });
        });
        dialog.setResultConverter(button -> button == save);
        dialog.setOnShown(e -> reason.requestFocus());
        dialog.show();
    }
}

package io.pganalytics.console.mfa;

import io.pganalytics.console.common.ui.Widgets;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** The MFA prompt card: a method choice and a field for the code. */
public final class MfaPromptView {
    private final MfaPromptViewModel model;

    public MfaPromptView(MfaPromptViewModel model) {
        this.model = model;
    }

    public Node build() {
        Label title = Widgets.label("Two-factor sign-in", "card-title");
        Label explain = new Label("Your password was right. Prove the second factor to finish signing in.");
        explain.setWrapText(true);
        explain.getStyleClass().add("muted");

        ToggleGroup group = new ToggleGroup();
        HBox choices = new HBox();
        choices.getStyleClass().add("segmented");
        for (MfaMethod method : model.methods()) {
            ToggleButton choice = new ToggleButton(method.label());
            choice.setId("mfa-method-" + method.wireName());
            choice.setToggleGroup(group);
            choice.setUserData(method);
            choice.setSelected(method == model.methodProperty().get());
            choices.getChildren().add(choice);
        }
        group.selectedToggleProperty().addListener((o, was, now) -> {
            if (now == null) {
                was.setSelected(true);
            } else {
                model.methodProperty().set((MfaMethod) now.getUserData());
            }
        });

        Label prompt = new Label();
        prompt.getStyleClass().add("field-label");
        prompt.textProperty().bind(model.codePromptProperty());
        TextField code = new TextField();
        code.setId("mfa-code");
        code.setPromptText("Code");
        code.textProperty().bindBidirectional(model.codeProperty());
        code.setOnAction(e -> model.verify());

        Button verify = Widgets.primaryAction("Verify", "mfa-verify", model.busyProperty(), model::verify);
        Hyperlink back = new Hyperlink("Back to sign-in");
        back.setId("mfa-cancel");
        back.setOnAction(e -> model.cancel());

        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("mfa-error");
        HBox progress = new HBox(8, Widgets.spinner(model.busyProperty()));
        progress.setAlignment(Pos.CENTER_LEFT);

        VBox card = new VBox(12, title, explain, Widgets.label("Method", "field-label"), choices, prompt, code, verify,
                progress, error, back);
        card.getStyleClass().add("card");
        card.setMaxWidth(440);
        VBox page = new VBox(24, Widgets.brand(), card);
        page.setAlignment(Pos.CENTER);
        StackPane root = new StackPane(page);
        root.getStyleClass().add("welcome");
        Platform.runLater(code::requestFocus);
        return root;
    }
}

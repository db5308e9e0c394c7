package io.pganalytics.console.mfa;

import io.pganalytics.console.common.ui.Widgets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** The enrolment card: scan (QR code, secret, first code), then the backup codes. */
public final class EnrolmentView {
    /** Screen pixels per QR module. */
    private static final int SCALE = 5;

    private final EnrolmentViewModel model;

    public EnrolmentView(EnrolmentViewModel model) {
        this.model = model;
    }

    public Node build() {
        Label title = Widgets.label("Set up two-factor sign-in", "card-title");
        Label error = Widgets.banner(model.errorProperty(), "error");
        error.setId("enrol-error");
        VBox scan = scanStep();
        VBox codes = backupCodesStep();
        scan.visibleProperty().bind(model.stepProperty().isEqualTo(EnrolmentViewModel.Step.SCAN));
        scan.managedProperty().bind(scan.visibleProperty());
        codes.visibleProperty().bind(model.stepProperty().isEqualTo(EnrolmentViewModel.Step.BACKUP_CODES));
        codes.managedProperty().bind(codes.visibleProperty());
        Hyperlink cancel = new Hyperlink(model.duringSignIn() ? "Back to sign-in" : "Cancel");
        cancel.setId("enrol-cancel");
        cancel.setOnAction(e -> model.cancel());
        cancel.visibleProperty().bind(model.stepProperty().isNotEqualTo(EnrolmentViewModel.Step.BACKUP_CODES));

        VBox card = new VBox(12, title, Widgets.spinner(model.busyProperty()), scan, codes, error, cancel);
        card.getStyleClass().add("card");
        card.setMaxWidth(520);
        card.setMaxHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        StackPane root = new StackPane(card);
        root.getStyleClass().add("welcome");
        return root;
    }

    private VBox scanStep() {
        Label explain = new Label((model.duringSignIn() ? "This server asks for a second factor. " : "")
                + "Scan the code with an authenticator app (FreeOTP, Google Authenticator, 1Password…), "
                + "or type the secret into it, then enter the code it shows.");
        explain.setWrapText(true);
        ImageView qr = new ImageView();
        qr.setId("enrol-qr");
        qr.imageProperty().bind(model.qrCodeProperty().map(EnrolmentView::draw));
        HBox qrRow = new HBox(qr);
        qrRow.setAlignment(Pos.CENTER);
        TextField secret = new TextField();
        secret.setId("enrol-secret");
        secret.setEditable(false);
        secret.textProperty().bind(model.secretProperty());
        TextField code = new TextField();
        code.setId("enrol-code");
        code.setPromptText("6-digit code");
        code.textProperty().bindBidirectional(model.codeProperty());
        code.setOnAction(e -> model.confirm());
        Button confirm = Widgets.primaryAction("Confirm", "enrol-confirm", model.busyProperty(), model::confirm);
        return new VBox(10, explain, qrRow, Widgets.label("Secret (for typing by hand)", "field-label"), secret,
                Widgets.label("First code", "field-label"), code, confirm);
    }

    private VBox backupCodesStep() {
        Label shownOnce = new Label("Save these ten backup codes now: they are shown only once. Each signs you in once "
                + "if you lose your authenticator.");
        shownOnce.setWrapText(true);
        shownOnce.getStyleClass().addAll("banner", "banner-warning");
        ListView<String> list = new ListView<>(model.backupCodes());
        list.setId("enrol-backup-codes");
        list.setPrefHeight(10 * 26 + 4);
        list.getStyleClass().add("monospace");
        Button copy = new Button("Copy codes");
        copy.setId("enrol-copy");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(model.backupCodesText());
            Clipboard.getSystemClipboard().setContent(content);
            copy.setText("Copied");
        });
        Button done = new Button("I saved them");
        done.setId("enrol-done");
        done.getStyleClass().add("accent");
        done.setOnAction(e -> model.done());
        HBox buttons = new HBox(8, copy, Widgets.grow(), done);
        return new VBox(10, shownOnce, list, buttons);
    }

    /** The QR code as an image: black modules on white, whatever the theme, so every camera reads it. */
    static Image draw(QrCode code) {
        int size = code.size() * SCALE;
        WritableImage image = new WritableImage(size, size);
        PixelWriter pixels = image.getPixelWriter();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                pixels.setArgb(x, y, code.dark(x / SCALE, y / SCALE) ? 0xff000000 : 0xffffffff);
            }
        }
        return image;
    }
}

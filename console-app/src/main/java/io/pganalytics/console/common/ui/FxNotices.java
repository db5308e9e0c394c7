package io.pganalytics.console.common.ui;

import io.pganalytics.console.common.Notices;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

import java.util.function.Supplier;

/** {@link Notices} as ControlsFX notifications in the main window's corner. */
public final class FxNotices implements Notices {
    private final Supplier<Window> owner;

    public FxNotices(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public void info(String title, String sentence) {
        show(title, sentence, false);
    }

    @Override
    public void error(String title, String sentence) {
        show(title, sentence, true);
    }

    private void show(String title, String sentence, boolean error) {
        Runnable show = () -> {
            Notifications notification = Notifications.create().title(title).text(sentence).position(Pos.BOTTOM_RIGHT)
                    .hideAfter(Duration.seconds(error ? 8 : 4)).owner(owner.get());
            if (error) {
                notification.showError();
            } else {
                notification.showInformation();
            }
        };
        if (Platform.isFxApplicationThread()) {
            show.run();
        } else {
            Platform.runLater(show);
        }
    }
}

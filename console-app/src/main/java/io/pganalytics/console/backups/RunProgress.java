package io.pganalytics.console.backups;

import io.pganalytics.common.backup.OperationView;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.Objects;
import java.util.UUID;

/**
 * One kind of run (a backup, a verification, a restore) as a progress bar shows it: the run followed, whether it runs,
 * its fraction done (-1 while the total is unknown) and a line saying what it does or how it ended.
 */
public final class RunProgress {
    private final String kind;
    private final ObjectProperty<OperationView> operation = new SimpleObjectProperty<>();
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final DoubleProperty fraction = new SimpleDoubleProperty(0);
    private final StringProperty text = new SimpleStringProperty("");
    private final ObjectProperty<Light> light = new SimpleObjectProperty<>(Light.UNKNOWN);

    /** @param kind the operations' kind ({@code backup}, {@code verify}, {@code restore}) */
    RunProgress(String kind) {
        this.kind = kind;
    }

    String kind() {
        return kind;
    }

    /** The run followed while it runs; null when none is. */
    UUID following() {
        OperationView now = operation.get();
        return now != null && OperationView.RUNNING.equals(now.state()) ? now.id() : null;
    }

    /**
     * Shows a run's state. Returns true when this ends the run followed (it was running and is no longer), so that the
     * caller refreshes what the run changed.
     */
    boolean show(OperationView view) {
        OperationView was = operation.get();
        boolean wasRunning = was != null && OperationView.RUNNING.equals(was.state()) && Objects.equals(was.id(), view.id());
        operation.set(view);
        boolean runs = OperationView.RUNNING.equals(view.state());
        running.set(runs);
        fraction.set(runs ? view.fraction() : 1);
        light.set(Light.ofOperation(view.state()));
        text.set(describe(view));
        return wasRunning && !runs;
    }

    /** A run that could not be started or followed. */
    void failed(String sentence) {
        running.set(false);
        fraction.set(0);
        light.set(Light.BAD);
        text.set(sentence);
    }

    static String describe(OperationView view) {
        String who = view.requestedBy() == null ? "" : "schedule".equals(view.requestedBy()) ? " (started by the schedule)" : "";
        String target = view.backupId() == null ? "" : " " + view.backupId();
        return switch (view.state()) {
            case OperationView.RUNNING -> {
                String done = Figures.bytes(view.doneBytes()) + (view.totalBytes() == null ? "" : " of " + Figures.bytes(view.totalBytes()));
                String percent = view.fraction() < 0 ? "" : String.format(java.util.Locale.ROOT, " (%.0f %%)", view.fraction() * 100);
                yield title(view.kind()) + target + who + ": " + (view.phase() == null ? "running" : view.phase()) + ", " + done + percent;
            }
            case OperationView.SUCCEEDED -> title(view.kind()) + target + " succeeded at " + Figures.time(view.finishedAt())
                    + " (" + Figures.bytes(view.doneBytes()) + ")";
            case OperationView.FAILED -> title(view.kind()) + target + " failed: " + (view.error() == null ? "no reason given" : view.error());
            default -> title(view.kind()) + target + ": " + view.state();
        };
    }

    private static String title(String kind) {
        return switch (kind == null ? "" : kind) {
            case "backup" -> "Backup";
            case "verify" -> "Verification";
            case "restore" -> "Restore";
            default -> kind == null ? "Run" : kind;
        };
    }

    public ReadOnlyObjectProperty<OperationView> operationProperty() {
        return operation;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running;
    }

    public ReadOnlyDoubleProperty fractionProperty() {
        return fraction;
    }

    public ReadOnlyStringProperty textProperty() {
        return text;
    }

    public ReadOnlyObjectProperty<Light> lightProperty() {
        return light;
    }
}

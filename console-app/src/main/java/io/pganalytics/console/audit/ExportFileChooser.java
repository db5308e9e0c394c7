package io.pganalytics.console.audit;

import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link ExportDestination} as the system's save dialog. */
public final class ExportFileChooser implements ExportDestination {
    private final Supplier<Window> owner;

    public ExportFileChooser(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public Optional<Path> choose(String suggestedName, String format) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the audit trail");
        chooser.setInitialFileName(suggestedName);
        chooser.getExtensionFilters().setAll("csv".equals(format)
                ? new FileChooser.ExtensionFilter("CSV (spreadsheets)", "*.csv")
                : new FileChooser.ExtensionFilter("JSON lines (every field, verifiable)", "*.jsonl"));
        File chosen = chooser.showSaveDialog(owner.get());
        return Optional.ofNullable(chosen).map(File::toPath);
    }
}

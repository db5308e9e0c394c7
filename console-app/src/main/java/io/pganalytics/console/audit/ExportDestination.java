package io.pganalytics.console.audit;

import java.nio.file.Path;
import java.util.Optional;

/** Asks the person where to save an export (on the UI thread); empty when they cancel. */
public interface ExportDestination {
    /**
     * @param suggestedName a file name to start from ({@code audit-20261207-0612.jsonl})
     * @param format        {@code jsonl} or {@code csv}
     */
    Optional<Path> choose(String suggestedName, String format);
}

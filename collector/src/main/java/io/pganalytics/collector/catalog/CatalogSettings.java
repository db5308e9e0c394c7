package io.pganalytics.collector.catalog;

import java.time.Duration;

/**
 * Bounds of what the catalogue reads.
 *
 * @param statementsTopN          statements rows per interval besides the "other" row (1..10000, default 100)
 * @param maxTablesPerDatabase    largest tables read per database (default 1000)
 * @param maxIndexesPerDatabase   largest indexes read per database (default 2000)
 * @param vacuumTablesPerDatabase tables with the oldest transaction IDs read per database (default 100)
 * @param maxQueryTextLength      query texts are cut to this many characters (default 16384)
 * @param textResendAfter         a query text sent but neither acknowledged nor known lost after this long is sent again
 *                                (default 1 h: a safety net; acknowledgements and losses are reported as they happen)
 * @param settingsResendAfter     settings are sent at least this often even when unchanged (default 1 h)
 */
public record CatalogSettings(int statementsTopN,
                              int maxTablesPerDatabase,
                              int maxIndexesPerDatabase,
                              int vacuumTablesPerDatabase,
                              int maxQueryTextLength,
                              Duration textResendAfter,
                              Duration settingsResendAfter) {
    public static final CatalogSettings DEFAULTS = new CatalogSettings(100, 1000, 2000, 100, 16384,
            Duration.ofHours(1), Duration.ofHours(1));

    public CatalogSettings {
        statementsTopN = clamp(statementsTopN, 1, 10_000);
        maxTablesPerDatabase = clamp(maxTablesPerDatabase, 1, 100_000);
        maxIndexesPerDatabase = clamp(maxIndexesPerDatabase, 1, 200_000);
        vacuumTablesPerDatabase = clamp(vacuumTablesPerDatabase, 1, 100_000);
        maxQueryTextLength = clamp(maxQueryTextLength, 64, 1 << 19);
        textResendAfter = textResendAfter == null ? Duration.ofHours(1) : textResendAfter;
        settingsResendAfter = settingsResendAfter == null ? Duration.ofHours(1) : settingsResendAfter;
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}

package io.pganalytics.server.maintenance;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The TimescaleDB dialect's whole share of maintenance: TimescaleDB drops chunks and refreshes the continuous
 * aggregates itself, so only the retention policies the migrations created with defaults are brought to the
 * configured values, for every raw hypertable and every continuous aggregate. Kept to statement text on purpose:
 * TimescaleDB cannot be installed where this project is built, so these statements are tested as text, never run.
 */
final class TimescalePolicies {
    private TimescalePolicies() {
    }

    /** The statements, in order; each replaces one relation's retention policy. */
    static List<String> retentionStatements(MaintenanceConfig config) {
        List<String> statements = new ArrayList<>();
        for (Family family : MetricCatalog.ALL) {
            if (family == MetricCatalog.STATEMENT_TEXTS) {
                continue;
            }
            MaintenanceConfig.Retention retention = config.retentionOf(family);
            List<Resolution> resolutions = SeriesSchema.hasRollups(family) ? List.of(Resolution.values()) : List.of(Resolution.RAW);
            for (Resolution resolution : resolutions) {
                String relation = resolution.table(family);
                statements.add("SELECT remove_retention_policy('" + relation + "', if_exists => true)");
                statements.add("SELECT add_retention_policy('" + relation + "', INTERVAL '" + interval(retention.of(resolution)) + "')");
            }
        }
        return statements;
    }

    /** A PostgreSQL interval literal in the largest whole unit: {@code 14 days}, {@code 36 hours}, {@code 90 minutes}. */
    static String interval(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + " days";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + " hours";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + " minutes";
        }
        return seconds + " seconds";
    }
}

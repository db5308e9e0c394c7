package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.SignalInfo;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The values rules test (docs/ALERTING.md, "Signals"): for many instances at once, so that one evaluation round reads
 * each signal with one statement whatever the number of rules and instances. Implemented from the stored raw series
 * (server.alerting.signals).
 */
public interface SignalSource {

    /** One value of a signal at one time. */
    record Point(long epochSecond, double value) {
    }

    /** Every signal a condition may name. */
    List<SignalInfo> catalogue();

    /** Whether a condition may name {@code signal}. */
    boolean knows(String signal);

    /**
     * The signal's values for each of {@code instanceIds} with a time in {@code (from, to]}, oldest first, at most
     * {@code maxPerInstance} per instance (the newest are kept). With a {@code step} (a preview over days) one value per
     * step is read, from the rollups where they exist; with {@code null}, every stored value. Instances without a value
     * are absent from the map. Values are finite.
     */
    Map<Long, List<Point>> read(Connection c, String signal, long[] instanceIds, Instant from, Instant to, Duration step,
                                int maxPerInstance) throws SQLException;
}

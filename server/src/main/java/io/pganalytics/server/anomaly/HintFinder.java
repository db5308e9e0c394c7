package io.pganalytics.server.anomaly;

import io.pganalytics.common.anomaly.AnomalyHint;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Finds the root-cause hints of an anomaly, ranked: the series that moved first or most, the statements whose time grew
 * or that are new, the settings changed, the blocking chains and the autovacuum runs in its window.
 */
public interface HintFinder {

    /**
     * Another series of the instance and how it moved around the anomaly, as the scorer saw it.
     *
     * @param series    its name
     * @param departedAt its first point outside its band in the window (null when it stayed inside)
     * @param maxScore  its largest absolute score in the window, in robust sigmas
     */
    record Move(String series, Instant departedAt, double maxScore) {
    }

    /**
     * @param instanceId the instance
     * @param anomalyId  the anomaly (so a hint may name another anomaly)
     * @param series     the anomalous series
     * @param from       the window's start: somewhat before the anomaly's start, so causes that came first are in it
     * @param startedAt  the anomaly's start
     * @param to         the window's end (its peak, or now)
     * @param moves      every other series of the instance, as the scorer saw it in the window
     */
    record Context(long instanceId, long anomalyId, String series, Instant from, Instant startedAt, Instant to, List<Move> moves) {
        public Context {
            moves = List.copyOf(moves);
        }
    }

    /** At most {@code max} hints, ranked 1.. (most likely first). Never throws for missing data: fewer hints. */
    List<AnomalyHint> hints(Connection c, Context context, int max) throws SQLException;
}

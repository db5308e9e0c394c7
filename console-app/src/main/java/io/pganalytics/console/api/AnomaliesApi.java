package io.pganalytics.console.api;

import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyExclusion;
import io.pganalytics.common.anomaly.AnomalyPage;
import io.pganalytics.common.anomaly.AnomalySettings;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.anomaly.FeedbackRequest;

import java.time.Instant;
import java.util.List;

/**
 * Anomaly detection ({@code /api/v1/anomalies}, docs/API.md "Anomalies") on a session ({@link ConsoleApi#anomalies()}).
 * Every method but {@link #live} blocks (call it off the FX thread) and fails with an {@link ApiException}; the server
 * checks the role of every call (viewers read; operators give feedback, change sensitivity and exclusions).
 */
public interface AnomaliesApi {
    /** The most anomalies the server lists in one page. */
    int MAX_PAGE = 500;

    /** The fleet's anomalies matching {@code query}, newest first; {@code cursor} is the last page's {@link AnomalyPage#next()}. */
    AnomalyPage list(AnomalyQuery query, int limit, String cursor);

    /** One instance's anomalies matching {@code query} (its instance ignored), newest first. */
    AnomalyPage ofInstance(long instanceId, AnomalyQuery query, int limit, String cursor);

    /** One anomaly with its hints. */
    AnomalyView anomaly(long id);

    /** "This was expected" or "this was real" (operators); the anomaly as it is now. */
    AnomalyView feedback(long id, FeedbackRequest request);

    /** The series the detectors score, and the dashboard chart showing each. */
    List<DetectionSeriesInfo> series();

    /** The expected band of one series per minute over at most seven days, with its anomalies in the range. */
    AnomalyBand band(long instanceId, String series, Instant from, Instant to);

    AnomalySettings settings(long instanceId);

    /** Changes the sensitivity (operators); only {@link AnomalySettings#sensitivity()} is read. */
    AnomalySettings updateSettings(long instanceId, AnomalySettings settings);

    /** Adds an exclusion (operators): the window's points are neither flagged nor learned from. */
    AnomalyExclusion addExclusion(long instanceId, AnomalyExclusion exclusion);

    void removeExclusion(long instanceId, long exclusionId);

    /**
     * Subscribes to the fleet's anomalies as they open, grow and close ({@code GET /anomalies/live}, event
     * {@code anomaly}), reconnecting with backoff until closed; the listener's {@link LiveListener#anomaly} and
     * {@link LiveListener#state} are called on a background thread.
     */
    LiveSubscription live(LiveListener listener);
}

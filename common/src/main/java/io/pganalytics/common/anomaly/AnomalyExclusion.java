package io.pganalytics.common.anomaly;

import java.time.Instant;

/**
 * A window in which a series (or every series) of an instance is neither flagged nor learned from.
 *
 * @param id        its id (0 in a request)
 * @param series    the series; null for every series of the instance
 * @param startsAt  the window's start
 * @param endsAt    its end (exclusive); null until removed
 * @param reason    why, for the people who read the anomaly list later (required, at most 500 characters)
 * @param createdBy the id of the user who made it (ignored in a request)
 * @param createdAt when (ignored in a request)
 */
public record AnomalyExclusion(long id, String series, Instant startsAt, Instant endsAt, String reason, String createdBy,
                               Instant createdAt) {
}

package io.pganalytics.common.query;

/**
 * The figures a fleet row and a dashboard show first, from the instance's latest data; null when it has none.
 *
 * @param tps                       commits plus rollbacks per second over the latest 5 minutes of database snapshots
 * @param connections               client backends at the latest activity sample
 * @param activeConnections         of which active
 * @param maxConnections            the max_connections setting
 * @param cacheHitRatio             shared blocks hit / (hit + read) over the latest 5 minutes, 0..1
 * @param replicationLagSeconds     the largest replay lag of its standbys (a primary) at the latest sample
 * @param longestTransactionSeconds the oldest open transaction at the latest activity sample
 */
public record KeyFigures(Double tps, Long connections, Long activeConnections, Long maxConnections, Double cacheHitRatio,
                         Double replicationLagSeconds, Double longestTransactionSeconds) {
}

package io.pganalytics.common.query;

/**
 * Client backends of one database at a sample.
 *
 * @param datname                   the database
 * @param total                     every client backend
 * @param active                    running a statement
 * @param idle                      idle
 * @param idleInTransaction         idle in a transaction
 * @param waiting                   waiting on any event
 * @param lockWaiting               waiting on a lock
 * @param longestTransactionSeconds the oldest open transaction
 * @param longestQuerySeconds       the longest-running statement
 */
public record DatabaseActivity(String datname, Long total, Long active, Long idle, Long idleInTransaction, Long waiting,
                               Long lockWaiting, Double longestTransactionSeconds, Double longestQuerySeconds) {
}

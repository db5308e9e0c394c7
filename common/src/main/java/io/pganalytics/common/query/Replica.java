package io.pganalytics.common.query;

/**
 * One WAL sender of a primary (pg_stat_replication).
 *
 * @param pid               the sender's pid
 * @param applicationName   the standby's application_name
 * @param clientAddr        the standby's address
 * @param state             streaming, catchup...
 * @param syncState         async, sync, quorum...
 * @param sentLagBytes      WAL not yet sent
 * @param replayLagBytes    WAL not yet replayed
 * @param writeLagSeconds   write_lag
 * @param flushLagSeconds   flush_lag
 * @param replayLagSeconds  replay_lag
 */
public record Replica(Long pid, String applicationName, String clientAddr, String state, String syncState, Long sentLagBytes,
                      Long replayLagBytes, Double writeLagSeconds, Double flushLagSeconds, Double replayLagSeconds) {
}

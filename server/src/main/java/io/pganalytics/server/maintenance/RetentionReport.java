package io.pganalytics.server.maintenance;

import java.util.List;

/**
 * What one partition and retention run did.
 *
 * @param partitionsCreated     partitions created ahead (plain dialect)
 * @param partitionsDropped     the partitions dropped, qualified names (plain dialect)
 * @param statementTextsDeleted query texts no longer in use
 * @param ingestBatchesDeleted  idempotency records past {@code ingest.idempotency-retention}
 * @param policyStatements      TimescaleDB retention-policy statements run (0 on plain PostgreSQL)
 * @param complete              false when the run stopped early (its lease lost or the node stopping)
 */
public record RetentionReport(int partitionsCreated, List<String> partitionsDropped, long statementTextsDeleted,
                              long ingestBatchesDeleted, int policyStatements, boolean complete) {
    public RetentionReport {
        partitionsDropped = List.copyOf(partitionsDropped);
    }

    RetentionReport withPolicyStatements(int count) {
        return new RetentionReport(partitionsCreated, partitionsDropped, statementTextsDeleted, ingestBatchesDeleted, count, complete);
    }
}

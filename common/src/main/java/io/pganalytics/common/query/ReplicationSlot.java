package io.pganalytics.common.query;

/**
 * One replication slot.
 *
 * @param slotName          its name
 * @param slotType          physical or logical
 * @param database          its database (logical slots)
 * @param active            whether a consumer is connected
 * @param walStatus         reserved, extended, unreserved, lost
 * @param retainedWalBytes  WAL it keeps
 * @param safeWalSizeBytes  WAL it may still retain before it is lost
 */
public record ReplicationSlot(String slotName, String slotType, String database, Boolean active, String walStatus,
                              Long retainedWalBytes, Long safeWalSizeBytes) {
}

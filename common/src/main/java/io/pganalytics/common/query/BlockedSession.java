package io.pganalytics.common.query;

/**
 * A backend waiting on a lock that another holds, at the latest locks sample.
 *
 * @param pid            the waiting backend
 * @param datname        its database
 * @param usename        its user
 * @param waitEvent      {@code type:event}
 * @param blockingPids   the backends it waits for
 * @param rootPid        the head of its blocking chain
 * @param waitSeconds    how long it has waited
 * @param chainDepth     its depth in the chain
 */
public record BlockedSession(Long pid, String datname, String usename, String waitEvent, String blockingPids, Long rootPid,
                             Double waitSeconds, Long chainDepth) {
}

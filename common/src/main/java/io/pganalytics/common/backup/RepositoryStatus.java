package io.pganalytics.common.backup;

import java.time.Instant;

/**
 * A backup repository: the primary one, or the second region's copy.
 *
 * @param role          {@code primary} or {@code second-region}
 * @param kind          {@code file}, {@code s3} or {@code pgbackrest}
 * @param location      where it is, without credentials ({@code <path>}, {@code s3://bucket/prefix})
 * @param reachable     whether the last access worked
 * @param usedBytes     bytes it holds; null when unknown
 * @param freeBytes     bytes left on its filesystem; null for an object store or when unknown
 * @param newestAt      when the newest backup or WAL it holds arrived; null when it holds none
 * @param lagSeconds    second region only: how far it is behind the primary (the oldest object not yet copied), 0 when
 *                      in step; null for the primary
 * @param error         the last access's error; null when it worked
 * @param warning       what the operator should fix although it works (a repository on the database's own disk)
 */
public record RepositoryStatus(String role, String kind, String location, boolean reachable, Long usedBytes, Long freeBytes,
                               Instant newestAt, Long lagSeconds, String error, String warning) {
    public static final String PRIMARY = "primary";
    public static final String SECOND_REGION = "second-region";
}

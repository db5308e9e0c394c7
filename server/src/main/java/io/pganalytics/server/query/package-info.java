/**
 * The query API ({@code GET /api/v1/instances...}): the fleet and its statuses, instance details, time series from the
 * raw or rollup tables that fit the range, top queries, waits, tables, indexes, replication and activity. Every
 * answer is bounded (pages, ranges, points) and cached in Hazelcast ({@code pga.query-cache}, with a near cache) under
 * keys that carry the instance's cache generation, which each ingest for that instance moves on.
 * {@link io.pganalytics.server.query.QueryRoutes} parses and validates, {@link io.pganalytics.server.query.QueryService}
 * applies the rules and the cache, {@link io.pganalytics.server.query.QueryRepository} holds every line of SQL.
 */
package io.pganalytics.server.query;

/**
 * The query API's responses ({@code /api/v1/instances/...}), shared by the server (which writes them) and the console
 * (which reads them): plain records, Instants as ISO-8601 strings through {@link io.pganalytics.common.json.JsonMapping},
 * absent figures as JSON null. Times of statements are in milliseconds, as pg_stat_statements counts them.
 */
package io.pganalytics.common.query;

/**
 * Time-series storage: one typed table per metric family in schema {@code ts}, derived from the metric catalogue
 * ({@link io.pganalytics.server.series.SeriesSchema}), its 1-minute and 1-hour rollups, and the COPY encoding the
 * ingest writes with. The plain and TimescaleDB dialects share every column list and query; they differ only in how
 * a table is partitioned, compressed and rolled up.
 */
package io.pganalytics.server.series;

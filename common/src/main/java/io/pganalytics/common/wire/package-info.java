/**
 * The collector-to-server wire model: batches of per-target, per-family snapshots, registration, and the
 * server's acknowledgement. Versioned by {@link io.pganalytics.common.wire.MetricBatch#SCHEMA_VERSION};
 * documented in docs/WIRE-FORMAT.md.
 */
package io.pganalytics.common.wire;

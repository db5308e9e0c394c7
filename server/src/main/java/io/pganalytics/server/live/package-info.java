/**
 * {@code GET /api/v1/instances/{id}/live}: server-sent events with an instance's key figures after each ingest. The
 * node that stored a batch publishes one {@link io.pganalytics.common.query.LiveUpdate} per instance to the Hazelcast
 * reliable topic {@code pga.instance-updates} (JSON strings); every node hears it, keeps the last few per instance for
 * resuming (Last-Event-ID), and hands it to its own subscribers through bounded queues that drop the oldest event, so
 * that a slow client never holds up the ingest. Subscribers per node are bounded; a comment line every
 * {@code live.heartbeat} keeps proxies from closing idle streams and finds clients that went away.
 *
 * <p>Anomalies travel the same way on the reliable topic {@code pga.anomaly-events}: an {@code anomaly} event on the
 * instance's stream and on the fleet stream {@code GET /api/v1/anomalies/live}; each node keeps the last few hundred
 * for resuming either stream.
 */
package io.pganalytics.server.live;

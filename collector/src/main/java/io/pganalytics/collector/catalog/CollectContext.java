package io.pganalytics.collector.catalog;

import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.collector.target.QueryTimer;
import io.pganalytics.collector.target.TargetConnections;
import io.pganalytics.common.wire.TargetRef;

import java.time.Clock;
import java.time.Duration;

/**
 * What one collection run gets.
 *
 * @param target       the wire's identity of the target
 * @param capabilities as probed
 * @param connections  the target's connections (null for host-only runs)
 * @param clock        the collector's clock: collectedAt and delta intervals come from it
 * @param queryTimeout the statement_timeout of each probe transaction
 * @param timer        adds up the time spent in PostgreSQL
 */
public record CollectContext(TargetRef target,
                             Capabilities capabilities,
                             TargetConnections connections,
                             Clock clock,
                             Duration queryTimeout,
                             QueryTimer timer) {
}

/**
 * The agent's configuration: the YAML file of {@code run --config FILE}, environment overrides
 * ({@code PGANALYTICS_COLLECTOR_...}), defaults in one place, and validation at start that names the offending
 * key ({@code targets[1].url: ...}). Produces one immutable {@link io.pganalytics.collector.config.CollectorConfig}.
 */
package io.pganalytics.collector.config;

/**
 * The {@code simulate} subcommand: N synthetic collectors, each with its own real spool and shipper (sharing
 * one HTTP client), sending realistic batches for a mid-size instance built from the metric catalogue, and a
 * report of sent / acknowledged / failed batches and send latency percentiles. The benchmark's load generator.
 */
package io.pganalytics.tools.simulate;

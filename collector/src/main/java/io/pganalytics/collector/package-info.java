/**
 * The collector's entry point and composition root: {@link io.pganalytics.collector.Main} dispatches the
 * subcommands ({@code run}, {@code check}, {@code register}, {@code keys}; the demo, the benchmarks and {@code simulate}
 * are in the tools module); {@code RunCommand} and
 * {@code CollectorAgent} wire the scheduler, batcher, spool, shipper and health reporter by hand and shut
 * them down in order.
 */
package io.pganalytics.collector;

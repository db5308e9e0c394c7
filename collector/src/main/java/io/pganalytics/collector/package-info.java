/**
 * The collector's entry point and composition root: {@link io.pganalytics.collector.Main} dispatches the
 * subcommands ({@code run}, {@code check}, {@code register}, {@code simulate}, {@code demo}); {@code RunCommand} and
 * {@code CollectorAgent} wire the scheduler, batcher, spool, shipper and health reporter by hand and shut
 * them down in order.
 */
package io.pganalytics.collector;

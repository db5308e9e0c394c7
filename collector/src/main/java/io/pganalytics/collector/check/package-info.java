/**
 * The {@code check} subcommand: probes one target and explains, family by family, what the collector will read
 * there or what is missing with its fix; with {@code --json} prints one batch with a snapshot of every family.
 * Entry point: {@link io.pganalytics.collector.check.CheckCommand#run}.
 */
package io.pganalytics.collector.check;

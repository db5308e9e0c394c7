/**
 * The tools' entry point: {@link io.pganalytics.tools.Main} dispatches {@code simulate} (the load generator),
 * {@code demo}, {@code bench} (with {@code bench incidents} and {@code bench failover}), {@code crash-drill},
 * {@code drill-backup} and {@code spool-bench}. None of it is installed on database hosts: the collector's jar holds
 * the agent only.
 */
package io.pganalytics.tools;

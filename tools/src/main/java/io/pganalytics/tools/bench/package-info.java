/**
 * The {@code bench} subcommand: starts a real server (a child JVM from its jar, on an embedded PostgreSQL or a given
 * database), registers N collectors through the real API, drives them with the {@code simulate} code through the real
 * authenticated ingest path, and reports throughput, latency, the server's and PostgreSQL's CPU and memory, storage per
 * instance-day, the same rows COPY'd straight into the same tables (the physical limit), the query API's latency
 * over a generated week of history, and the cost of a real collector process, its targets optionally behind a proxy
 * that adds a network's round trip; and {@code bench incidents}, the PostgreSQL incident suite: incidents planted in a
 * PostgreSQL of its own (primary and streaming standby) under a steady load, watched by a real collector, and what the
 * server's anomaly detection made of them. docs/BENCHMARKS.md describes the method and holds the figures.
 */
package io.pganalytics.tools.bench;

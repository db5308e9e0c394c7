/**
 * The metric catalogue's collector side: for each family of {@link io.pganalytics.common.catalog.MetricCatalog},
 * the SQL to read it per PostgreSQL major (as data, in {@code Queries}), chosen from the probed capabilities,
 * and the collectors that run it instance-wide or in every discovered database, feed counters through the delta
 * engine and build wire snapshots. {@link io.pganalytics.collector.catalog.FamilyCollectors#create} gives a
 * target its collectors; {@link io.pganalytics.collector.catalog.FamilyCollector#availability} says what each
 * will collect on a target, or what is missing and the fix.
 */
package io.pganalytics.collector.catalog;

/**
 * The metric catalogue's model, shared by the collector (which fills snapshots in this column order) and the
 * server (which creates one typed table per family from it): families, their default interval and their
 * ordered, typed columns with a role (key, label, counter, gauge). {@link io.pganalytics.common.catalog.MetricCatalog}
 * lists every family; it is immutable. Documented in docs/WIRE-FORMAT.md.
 */
package io.pganalytics.common.catalog;

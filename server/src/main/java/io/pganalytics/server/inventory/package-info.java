/**
 * The inventory of monitored instances and their databases, registered from what collectors send: written by the
 * ingest inside its transaction ({@link io.pganalytics.server.inventory.InventoryWriter}), read by the query API.
 */
package io.pganalytics.server.inventory;

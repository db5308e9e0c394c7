/** Tables and indexes: sizes, sequential vs index scans, dead tuples, last vacuum and analyze; unused indexes highlighted. */
package io.pganalytics.console.tables;

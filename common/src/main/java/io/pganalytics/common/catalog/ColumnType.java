package io.pganalytics.common.catalog;

/**
 * The SQL-ish type of a catalogue column, as the server stores it. On the wire (JSON) TEXT is a string,
 * INT8 an integral number, FLOAT8 a number, BOOL a boolean and TIMESTAMPTZ an ISO-8601 instant string;
 * any value may be null.
 */
public enum ColumnType {
    TEXT,
    INT8,
    FLOAT8,
    BOOL,
    TIMESTAMPTZ
}

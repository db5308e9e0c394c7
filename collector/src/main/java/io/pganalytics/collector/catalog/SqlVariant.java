package io.pganalytics.collector.catalog;

import io.pganalytics.collector.probe.Capabilities;

/**
 * One query text of a family for a range of PostgreSQL majors. Its columns are the family's, in order, then
 * {@code markerCount} reset-marker timestamps.
 *
 * @param fromMajor   first major it is for
 * @param toMajor     last major it is for
 * @param sql         the query (tagged when sent)
 * @param markerCount trailing reset-marker columns
 */
record SqlVariant(int fromMajor, int toMajor, String sql, int markerCount) {
    static SqlVariant of(int fromMajor, int toMajor, String sql) {
        return new SqlVariant(fromMajor, toMajor, sql, 0);
    }

    static SqlVariant withMarkers(int fromMajor, int toMajor, int markerCount, String sql) {
        return new SqlVariant(fromMajor, toMajor, sql, markerCount);
    }

    boolean fits(Capabilities capabilities) {
        int major = capabilities.major();
        return major >= fromMajor && major <= toMajor;
    }
}

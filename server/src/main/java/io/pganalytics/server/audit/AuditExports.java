package io.pganalytics.server.audit;

import io.pganalytics.server.http.ApiException;

import javax.sql.DataSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Downloads of the trail ({@code GET /audit/export}): a range of records by time and/or seq, streamed from a database
 * cursor in seq order, refused up front when it holds more than {@code audit.export-max-records}.
 */
public final class AuditExports {
    public enum Format {
        JSONL("jsonl", AuditJsonLines.MEDIA_TYPE), CSV("csv", AuditCsv.MEDIA_TYPE);

        final String extension;
        final String mediaType;

        Format(String extension, String mediaType) {
            this.extension = extension;
            this.mediaType = mediaType;
        }
    }

    /** Records at or after {@code from} and before {@code to}, with seq from {@code fromSeq} to {@code toSeq} inclusive. */
    public record Range(Optional<Instant> from, Optional<Instant> to, Optional<Long> fromSeq, Optional<Long> toSeq) {
        public static Range all() {
            return new Range(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    private static final int FETCH_SIZE = 500;

    private final DataSource dataSource;
    private final AuditViews views;
    private final int maxRecords;

    public AuditExports(DataSource dataSource, AuditViews views, int maxRecords) {
        this.dataSource = dataSource;
        this.views = views;
        this.maxRecords = maxRecords;
    }

    /** The range's record count; a 400 naming the limit when it holds more than an export may. */
    public long check(Range range) {
        List<Object> args = new ArrayList<>();
        String where = where(range, args);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit.record" + where)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long count = rs.getLong(1);
                if (count > maxRecords) {
                    throw ApiException.invalid("range", "holds " + count + " records, more than an export may (" + maxRecords
                            + ", audit.export-max-records): narrow it with from/to or fromSeq/toSeq");
                }
                return count;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("counting audit records to export: " + e.getMessage(), e);
        }
    }

    /** Writes the range to {@code out} in seq order; at most the export limit of records. */
    public void write(Range range, Format format, OutputStream out) {
        List<Object> args = new ArrayList<>();
        String where = where(range, args);
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
            try (PreparedStatement ps = c.prepareStatement("SELECT " + StoredRecord.COLUMNS + " FROM audit.record" + where
                    + " ORDER BY seq LIMIT ?")) {
                int next = bind(ps, args);
                ps.setInt(next, maxRecords);
                ps.setFetchSize(FETCH_SIZE);
                if (format == Format.CSV) {
                    AuditCsv.header(writer);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        StoredRecord record = StoredRecord.read(rs);
                        if (format == Format.JSONL) {
                            AuditJsonLines.write(writer, record);
                            writer.write('\n');
                        } else {
                            AuditCsv.write(writer, views.view(record));
                        }
                    }
                }
                writer.flush();
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("exporting audit records: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("writing an audit export", e);
        }
    }

    public int maxRecords() {
        return maxRecords;
    }

    private static String where(Range range, List<Object> args) {
        StringBuilder where = new StringBuilder(" WHERE true");
        range.from().ifPresent(v -> {
            where.append(" AND at >= ?");
            args.add(Timestamp.from(v));
        });
        range.to().ifPresent(v -> {
            where.append(" AND at < ?");
            args.add(Timestamp.from(v));
        });
        range.fromSeq().ifPresent(v -> {
            where.append(" AND seq >= ?");
            args.add(v);
        });
        range.toSeq().ifPresent(v -> {
            where.append(" AND seq <= ?");
            args.add(v);
        });
        return where.toString();
    }

    private static int bind(PreparedStatement ps, List<Object> args) throws SQLException {
        int i = 1;
        for (Object arg : args) {
            ps.setObject(i++, arg);
        }
        return i;
    }
}

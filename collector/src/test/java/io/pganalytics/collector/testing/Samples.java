package io.pganalytics.collector.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Small, valid wire objects for tests. */
public final class Samples {
    private static final ObjectMapper MAPPER = JsonMapping.newMapper();

    private Samples() {
    }

    public static TargetRef target(String name) {
        return new TargetRef("7300000000000000001", name, "127.0.0.1", 5432);
    }

    /** A "database" snapshot whose single row carries {@code marker}, so tests can follow it end to end. */
    public static Snapshot snapshot(String target, long marker) {
        return new Snapshot(target(target), "database", Instant.parse("2025-01-01T00:00:00Z").plusSeconds(marker), 10.0,
                List.of("datname", "xact_commit", "marker"), List.of(List.of("app", 5, marker)));
    }

    public static MetricBatch batch(String target, long marker, int padRows) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("app", 5, marker));
        for (int i = 0; i < padRows; i++) {
            rows.add(List.of("pad-" + UUID.randomUUID(), i, marker));
        }
        Snapshot snapshot = new Snapshot(target(target), "database", Instant.now(), 10.0,
                List.of("datname", "xact_commit", "marker"), rows);
        return new MetricBatch(MetricBatch.SCHEMA_VERSION, UUID.randomUUID().toString(), "test", Instant.now(), List.of(snapshot));
    }

    public static byte[] gzipJson(MetricBatch batch) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream gzip = new GZIPOutputStream(bytes)) {
                MAPPER.writeValue(gzip, batch);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static MetricBatch parseGzipJson(byte[] payload) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload))) {
            return MAPPER.readValue(in, MetricBatch.class);
        }
    }

    /** The marker of a batch built by {@link #batch} or from {@link #snapshot}s. */
    public static long marker(MetricBatch batch) {
        return ((Number) batch.snapshots().getFirst().rows().getFirst().get(2)).longValue();
    }
}

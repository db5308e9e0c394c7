package io.pganalytics.server.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.tools.simulate.SyntheticInstance;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.TargetRef;
import io.pganalytics.server.config.ConfigLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The ingest's parse of one steady-state batch of a mid-size instance (the simulation's: 50 tables, 20 indexes,
 * 201 statement rows, activity, about 350 rows), gzip as sent, through validation into COPY-encoded families.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BatchDecoderBenchmark {
    private BatchDecoder decoder;
    private byte[] gzipBody;
    private byte[] plainBody;

    @Setup
    public void setUp() throws IOException {
        ObjectMapper mapper = JsonMapping.newMapper();
        IngestConfig config = IngestConfig.from(ConfigLoader.load(null, Map.of(), Map.of()).get("ingest"));
        decoder = new BatchDecoder(config, mapper, Clock.systemUTC());
        SyntheticInstance instance = new SyntheticInstance(new TargetRef("7000000000000000001", "bench", "bench.local", 5432), 1);
        Instant now = Instant.now();
        instance.collect(now.minusSeconds(60), 60);  // the first interval carries settings and texts
        MetricBatch batch = new MetricBatch(MetricBatch.SCHEMA_VERSION, "bench-batch-000001", "bench", now,
                instance.collect(now, 60));
        plainBody = mapper.writeValueAsBytes(batch);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(plainBody);
        }
        gzipBody = bytes.toByteArray();
    }

    @Benchmark
    public DecodedBatch decodeGzip() {
        return decoder.decode(gzipBody, true);
    }

    @Benchmark
    public DecodedBatch decodePlain() {
        return decoder.decode(plainBody, false);
    }
}

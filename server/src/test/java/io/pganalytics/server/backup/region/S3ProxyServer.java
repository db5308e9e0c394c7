package io.pganalytics.server.backup.region;

import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.TestServers;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A real S3 API server (s3proxy) on 127.0.0.1, its objects in a directory (jclouds' filesystem backend), with one bucket.
 * It can be stopped and started again on the same port, to play an unreachable endpoint that comes back.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY_ENV = "TEST_S3_ACCESS_KEY";
    static final String SECRET_KEY_ENV = "TEST_S3_SECRET_KEY";
    static final String BUCKET = "pga-second-region";
    private static final String ACCESS_KEY = "test-access";
    private static final String SECRET_KEY = "test-secret-not-logged";

    private final Path dir;
    private final int port;
    private final BlobStoreContext context;
    private S3Proxy proxy;

    S3ProxyServer(Path dir) {
        this.dir = dir;
        this.port = TestServers.freePort();
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        this.context = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential").overrides(properties)
                .build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, BUCKET);
        start();
    }

    void start() {
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create(endpoint()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not start on " + endpoint(), e);
        }
        Eventually.await(Duration.ofSeconds(30), "s3proxy started", () -> "STARTED".equals(proxy.getState()));
    }

    void stop() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop", e);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the bucket's objects (and any leftover upload parts) are on disk. */
    Path bucketDir() {
        return dir.resolve(BUCKET);
    }

    Map<String, String> environment() {
        return Map.of(ACCESS_KEY_ENV, ACCESS_KEY, SECRET_KEY_ENV, SECRET_KEY);
    }

    BackupConfig.SecondRegion config(String prefix) {
        return new BackupConfig.SecondRegion(Optional.empty(), Optional.of(BUCKET), prefix, Optional.of(endpoint()), Optional.of("us-east-1"),
                Optional.of(ACCESS_KEY_ENV), Optional.of(SECRET_KEY_ENV), true, Duration.ofSeconds(1));
    }

    @Override
    public void close() {
        if (!"STOPPED".equals(proxy.getState())) {
            stop();
        }
        context.close();
    }
}

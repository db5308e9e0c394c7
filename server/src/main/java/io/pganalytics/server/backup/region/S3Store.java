package io.pganalytics.server.backup.region;

import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A repository in an S3-compatible bucket (AWS S3, MinIO, Ceph, s3proxy), under a key prefix. A single PUT is atomic;
 * an object larger than one part is streamed as a multipart upload of {@code partSize} parts (only one part in memory),
 * which becomes visible only when completed and is aborted on any failure, so that a failed write leaves nothing.
 * Credentials come from the environment variables the configuration names, else the SDK's default chain; they are
 * never logged nor part of {@link #location()}.
 */
public final class S3Store implements BackupStore, AutoCloseable {
    /** Parts of a multipart upload: S3 wants at least 5 MiB for every part but the last. */
    static final int DEFAULT_PART_SIZE = 8 << 20;
    static final int MIN_PART_SIZE = 5 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(S3Store.class);

    private final S3Client client;
    private final AwsCredentialsProvider credentials;
    private final String bucket;
    private final String prefix;
    private final String location;
    private final int partSize;

    S3Store(S3Client client, AwsCredentialsProvider credentials, String bucket, String prefix, String location, int partSize) {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("an S3 part must be at least " + MIN_PART_SIZE + " bytes, not " + partSize);
        }
        this.client = client;
        this.credentials = credentials;
        this.bucket = bucket;
        this.prefix = prefix;
        this.location = location;
        this.partSize = partSize;
    }

    /** The store the {@code backup.second-region.s3} node describes; nothing is contacted yet. */
    public static S3Store open(BackupConfig.SecondRegion config, Map<String, String> environment) {
        return open(config, environment, DEFAULT_PART_SIZE);
    }

    static S3Store open(BackupConfig.SecondRegion config, Map<String, String> environment, int partSize) {
        String bucket = config.s3Bucket().orElseThrow(() -> new IllegalArgumentException("backup.second-region.s3.bucket is not set"));
        String prefix = normalizedPrefix(config.s3Prefix());
        AwsCredentialsProvider credentials = credentials(config, environment);
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.s3Region().orElse("us-east-1")))
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyle())
                // S3-compatible servers differ in the newer checksum headers: the objects are sealed (AES-GCM per chunk),
                // so a corrupted byte is detected when the object is opened whatever the transport checked
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(TIMEOUT).socketTimeout(TIMEOUT))
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(TIMEOUT.multipliedBy(4)));
        config.s3Endpoint().ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)));
        String location = "s3://" + bucket + "/" + prefix + config.s3Endpoint().map(e -> " at " + e).orElse("");
        return new S3Store(builder.build(), credentials, bucket, prefix, location, partSize);
    }

    /** The access key from the named variables, else the SDK's default chain. */
    private static AwsCredentialsProvider credentials(BackupConfig.SecondRegion config, Map<String, String> environment) {
        if (config.accessKeyIdEnv().isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        String keyId = variable(environment, config.accessKeyIdEnv().get(), "backup.second-region.s3.access-key-id-env");
        String secret = variable(environment, config.secretAccessKeyEnv().orElseThrow(() -> new ConfigException(
                "backup.second-region.s3.secret-access-key-env", "is required with access-key-id-env")),
                "backup.second-region.s3.secret-access-key-env");
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret));
    }

    private static String variable(Map<String, String> environment, String name, String key) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "the environment variable " + name + " is not set");
        }
        return value.strip();
    }

    static String normalizedPrefix(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? "" : p + "/";
    }

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public void write(String name, Content content) throws IOException {
        Upload upload = new Upload(key(name));
        boolean done = false;
        try {
            content.writeTo(upload);
            upload.finish();
            done = true;
        } catch (SdkException e) {
            throw failure("write " + name, e);
        } finally {
            if (!done) {
                upload.abort();
            }
        }
    }

    @Override
    public InputStream read(String name) throws IOException {
        try {
            return client.getObject(r -> r.bucket(bucket).key(key(name)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(location + ": " + name);
        } catch (SdkException e) {
            throw failure("read " + name, e);
        }
    }

    @Override
    public List<StoredObject> list(String namePrefix) throws IOException {
        List<StoredObject> objects = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + namePrefix)).contents()) {
                String name = object.key().substring(prefix.length());
                if (NAME.matcher(name).matches()) {  // anything else in the bucket is not ours
                    objects.add(new StoredObject(name, object.size(), object.lastModified()));
                }
            }
        } catch (SdkException e) {
            throw failure("list " + namePrefix, e);
        }
        objects.sort(Comparator.comparing(StoredObject::name));
        return objects;
    }

    @Override
    public boolean exists(String name) throws IOException {
        try {
            client.headObject(r -> r.bucket(bucket).key(key(name)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("look up " + name, e);
        } catch (SdkException e) {
            throw failure("look up " + name, e);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        try {
            client.deleteObject(r -> r.bucket(bucket).key(key(name)));
        } catch (SdkException e) {
            throw failure("delete " + name, e);
        }
    }

    @Override
    public OptionalLong freeBytes() {
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        client.close();
        if (credentials instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) { // the SDK's default chain may hold a refresh thread: closing it is best effort
                LOG.debug("{}: credentials provider not closed ({})", location, e.toString());
            }
        }
    }

    private String key(String name) {
        return prefix + BackupStore.checkName(name);
    }

    private IOException failure(String what, SdkException e) {
        return new IOException(location + ": " + what + ": " + e.getMessage(), e);
    }

    /**
     * The content of one object on its way: held in memory up to one part; a single PUT when it ends within the first
     * part, else a multipart upload that {@link #finish()} completes and {@link #abort()} removes.
     */
    private final class Upload extends OutputStream {
        private final String key;
        private final List<CompletedPart> parts = new ArrayList<>();
        private byte[] buffer = new byte[64 << 10];
        private int count;
        private String uploadId;

        Upload(String key) {
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (count == partSize) {
                    uploadPart();
                }
                int n = Math.min(len, partSize - count);
                if (count + n > buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(partSize, Math.max(count + n, buffer.length * 2)));
                }
                System.arraycopy(b, off, buffer, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        private void uploadPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = client.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
                }
                int number = parts.size() + 1;
                String etag = client.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number).contentLength((long) count),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, count), count)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                count = 0;
            } catch (SdkException e) {
                throw failure("write part " + (parts.size() + 1) + " of " + key, e);
            }
        }

        void finish() throws IOException {
            if (uploadId == null) {
                client.putObject(r -> r.bucket(bucket).key(key).contentLength((long) count),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, count), count));
                return;
            }
            if (count > 0) {
                uploadPart();
            }
            client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            uploadId = null;
        }

        /** Removes the parts uploaded so far; a server that cannot be told is left to its lifecycle rule, and said so. */
        void abort() {
            if (uploadId == null) {
                return;
            }
            try {
                client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException e) {
                LOG.warn("{}: the failed upload of {} could not be aborted ({}): its parts stay invisible until a bucket lifecycle rule"
                        + " (AbortIncompleteMultipartUpload) removes them", location, key, e.getMessage());
            }
            uploadId = null;
        }
    }
}

package io.pganalytics.server.http;

import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Lets request bodies arrive with {@code Content-Encoding: gzip} (collectors send their batches so). Decoding is lazy
 * and streaming: the inflated bytes are produced as the handler reads, so the handler's own limit on what it reads
 * stops a zip bomb at that limit. Responses are never compressed by this encoding.
 * <p>
 * The compressed bytes read are counted too, whatever the framing (Content-Length or chunked): past
 * {@code maxCompressedBytes} the read fails with an IOException whose cause is a 413 {@link ApiException}, so that a
 * limit on the body as sent holds even when no Content-Length announced its size.
 */
public final class GzipRequestDecoding implements ContentEncoding {
    private final long maxCompressedBytes;
    private final String setting;

    /**
     * @param maxCompressedBytes the most bytes a gzip request body may have as sent
     * @param setting            the configuration key of that limit, for the error message
     */
    public GzipRequestDecoding(long maxCompressedBytes, String setting) {
        this.maxCompressedBytes = maxCompressedBytes;
        this.setting = setting;
    }

    /**
     * The body, failing its read past {@code limit} bytes with an IOException whose cause is a 413 ApiException
     * naming {@code setting}: a limit on bytes actually read, for bodies sent chunked as well as with a Content-Length.
     */
    public static InputStream limitSent(InputStream body, long limit, String setting) {
        return new ByteLimit(body, limit, max -> ApiException.tooLarge("the request body has more than " + max
                + " bytes as sent; the limit is " + max + " (" + setting + ")"));
    }

    @Override
    public Set<String> ids() {
        return Set.of("gzip", "x-gzip");
    }

    @Override
    public boolean supportsEncoding() {
        return false;
    }

    @Override
    public boolean supportsDecoding() {
        return true;
    }

    @Override
    public ContentDecoder decoder() {
        return compressed -> new LazyGzip(limitSent(compressed, maxCompressedBytes, setting));
    }

    @Override
    public ContentEncoder encoder() {
        return ContentEncoder.NO_OP;
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public String type() {
        return "gzip";
    }

    /** Reads the gzip header on first use, so that a bad header surfaces as an IOException of the handler's read. */
    private static final class LazyGzip extends InputStream {
        private final InputStream compressed;
        private GZIPInputStream inflated;

        LazyGzip(InputStream compressed) {
            this.compressed = compressed;
        }

        private InputStream inflated() throws IOException {
            if (inflated == null) {
                inflated = new GZIPInputStream(compressed, 16 * 1024);
            }
            return inflated;
        }

        @Override
        public int read() throws IOException {
            return inflated().read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return inflated().read(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            if (inflated != null) {
                inflated.close();
            } else {
                compressed.close();
            }
        }
    }
}

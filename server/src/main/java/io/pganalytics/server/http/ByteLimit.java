package io.pganalytics.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongFunction;

/**
 * Counts the bytes read through it and fails the read that passes the limit, before the caller sees those bytes:
 * an {@link IOException} whose cause is the {@link ApiException} (413) the error mapping answers with. One stream for
 * every body limit (bytes as sent, bytes once inflated), so they count alike.
 */
public final class ByteLimit extends FilterInputStream {
    private final long limit;
    private final LongFunction<ApiException> refusal;
    private long count;

    /**
     * @param refusal given the limit, the answer to send (it names the setting that holds the limit)
     */
    public ByteLimit(InputStream in, long limit, LongFunction<ApiException> refusal) {
        super(in);
        this.limit = limit;
        this.refusal = refusal;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count(skipped);
        return skipped;
    }

    private void count(long n) throws IOException {
        count += n;
        if (count > limit) {
            ApiException answer = refusal.apply(limit);
            throw new IOException(answer.getMessage(), answer);
        }
    }
}

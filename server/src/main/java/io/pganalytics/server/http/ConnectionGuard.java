package io.pganalytics.server.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes API connections that hold a place without doing their part (slow-header, slow-body and idle-TLS attacks):
 * <ul>
 *   <li>a new TLS connection must finish its handshake within {@code http.tls.handshake-timeout};</li>
 *   <li>once a request line has arrived, its headers must follow within {@code http.header-timeout};</li>
 *   <li>every read on a TLS connection (a body, the next request) waits at most {@code http.read-idle-timeout}.</li>
 * </ul>
 * The web server (Helidon 4.3) has none of these bounds of its own: its socket options do not apply a read timeout to
 * accepted connections and its idle check never reaches a connection still in its handshake or headers. So the TLS
 * server socket is wrapped ({@link GuardedSslContext}) to time the handshake and set the read timeout on each accepted
 * socket, and a receive listener times the headers. A live stream only writes, so the read timeout never ends it.
 */
public final class ConnectionGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final Duration headerTimeout;
    private final Duration readIdleTimeout;
    private final Duration handshakeTimeout;
    private final ScheduledExecutorService timer;
    private final Map<ConnectionContext, Long> headersDue = new ConcurrentHashMap<>();

    public ConnectionGuard(HttpConfig config) {
        this.headerTimeout = config.headerTimeout();
        this.readIdleTimeout = config.readIdleTimeout();
        this.handshakeTimeout = config.tlsHandshakeTimeout();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-connection-guard");
            thread.setDaemon(true);
            return thread;
        });
        long sweep = Math.max(50, Math.min(1000, headerTimeout.toMillis() / 4));
        timer.scheduleWithFixedDelay(this::closeLateHeaders, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** The TLS context the API listener should use: {@code context}, with each accepted connection guarded. */
    public SSLContext guard(SSLContext context) {
        return GuardedSslContext.wrap(context, this);
    }

    /** The receive listener that times each request's headers. */
    public Http1ConnectionListener headerListener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                headersDue.put(ctx, System.nanoTime() + headerTimeout.toNanos());
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                headersDue.remove(ctx);
            }
        };
    }

    /** How often the web server looks for idle connections, and how long one may idle between requests. */
    public Duration idleTimeout() {
        return readIdleTimeout;
    }

    public Duration idlePeriod() {
        return Duration.ofMillis(Math.max(100, Math.min(5000, readIdleTimeout.toMillis() / 4)));
    }

    /** Called for each accepted TLS connection, before anything is read from it. */
    void accepted(SSLSocket socket) {
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readIdleTimeout.toMillis()));
        } catch (IOException e) {
            closeQuietly(socket);
            return;
        }
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            LOG.debug("closing a connection from {}: no TLS handshake within {}", socket.getRemoteSocketAddress(), handshakeTimeout);
            closeQuietly(socket);
        }, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        socket.addHandshakeCompletedListener(event -> deadline.cancel(false));
    }

    private void closeLateHeaders() {
        long now = System.nanoTime();
        headersDue.forEach((ctx, due) -> {
            if (now - due >= 0 && headersDue.remove(ctx, due)) {
                LOG.debug("closing a connection from {}: headers not complete within {}", ctx.remotePeer().address(), headerTimeout);
                try {
                    ctx.serverSocket().close();
                } catch (RuntimeException e) {
                    // already closed, or closing failed: either way the connection is gone or going
                    LOG.trace("closing a slow connection: {}", e.toString());
                }
            }
        });
    }

    private static void closeQuietly(SSLSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.trace("closing a stalled TLS connection: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        headersDue.clear();
    }
}

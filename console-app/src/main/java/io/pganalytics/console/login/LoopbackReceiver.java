package io.pganalytics.console.login;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The console's end of single sign-on (RFC 8252, section 7.3): an HTTP listener on 127.0.0.1 and an ephemeral port
 * that waits for the browser to come back to {@code /callback} with the one-time code.
 * <p>
 * It accepts one callback, the one that carries this sign-in's state: a callback with another state (a page that
 * tries to slip its own code in) is refused and the wait goes on; every request after the accepted one is refused.
 * The browser gets a plain page without external resources either way. The wait is bounded and can be cancelled.
 */
final class LoopbackReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackReceiver.class);
    static final String PATH = "/callback";
    private static final int MAX_QUERY = 8192;

    /** What the browser brought back: a code, or the identity provider's refusal. */
    record Callback(String code, String error, String errorDescription) {
        boolean succeeded() {
            return code != null && error == null;
        }

        @Override
        public String toString() {
            return "Callback[code=" + (code == null ? "none" : "***") + ", error=" + error + "]";
        }
    }

    /** The wait ended without a callback: timed out, cancelled, or the listener failed. */
    static final class NoCallback extends RuntimeException {
        NoCallback(String message) {
            super(message);
        }
    }

    private final HttpServer server;
    private final byte[] expectedState;
    private final CompletableFuture<Callback> result = new CompletableFuture<>();

    private LoopbackReceiver(HttpServer server, String expectedState) {
        this.server = server;
        this.expectedState = expectedState.getBytes(StandardCharsets.UTF_8);
    }

    /** Listens on 127.0.0.1 and a port the system picks, for the callback that carries {@code state}. */
    static LoopbackReceiver open(String state) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
            LoopbackReceiver receiver = new LoopbackReceiver(server, state);
            server.createContext("/", receiver::handle);
            server.start();
            LOG.debug("single sign-on: waiting for the browser on {}", receiver.redirectUri());
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on the loopback interface for the sign-in callback", e);
        }
    }

    /** {@code http://127.0.0.1:<port>/callback}. */
    URI redirectUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /**
     * Waits for the callback.
     *
     * @throws NoCallback when {@code timeout} passes or the wait is {@linkplain #cancel cancelled}
     */
    Callback await(Duration timeout) {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(false);
            throw new NoCallback("The browser did not come back within " + timeout.toMinutes() + " minutes: the sign-in was abandoned.");
        } catch (CancellationException e) {
            throw new NoCallback("The sign-in was cancelled.");
        } catch (ExecutionException e) {
            throw new NoCallback("The sign-in callback failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoCallback("The sign-in was interrupted.");
        }
    }

    /** Ends the wait at once; the browser's later callback is refused. */
    void cancel() {
        result.cancel(false);
    }

    @Override
    public void close() {
        result.cancel(false);
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            if (!PATH.equals(uri.getPath()) || !"GET".equals(exchange.getRequestMethod())) {
                answer(exchange, 404, "Not found", "This address only receives the pgAnalytics console's sign-in.");
                return;
            }
            String raw = uri.getRawQuery() == null ? "" : uri.getRawQuery();
            Map<String, String> query = raw.length() > MAX_QUERY ? Map.of() : parse(raw);
            String state = query.get("state");
            if (result.isDone()) {
                LOG.warn("single sign-on: refused a callback after the sign-in had ended");
                answer(exchange, 409, "Sign-in refused", "This sign-in has already ended: this request was refused. "
                        + "Start again from the console if you need to.");
                return;
            }
            if (state == null || !MessageDigest.isEqual(expectedState, state.getBytes(StandardCharsets.UTF_8))) {
                LOG.warn("single sign-on: refused a callback whose state is not this sign-in's");
                answer(exchange, 400, "Sign-in refused", "This answer does not belong to the sign-in the console started "
                        + "(its state does not match): it was refused.");
                return;
            }
            Callback callback = new Callback(query.get("code"), query.get("error"), query.get("error_description"));
            if (callback.code() == null && callback.error() == null) {
                answer(exchange, 400, "Sign-in refused", "The answer carries neither a code nor an error: it was refused.");
                return;
            }
            if (!result.complete(callback)) {
                answer(exchange, 409, "Sign-in refused", "This sign-in has already ended: this request was refused.");
                return;
            }
            if (callback.succeeded()) {
                answer(exchange, 200, "Signed in", "You can close this window and return to the pgAnalytics console.");
            } else {
                answer(exchange, 200, "Sign-in refused", "The identity provider refused the sign-in"
                        + (callback.errorDescription() == null ? "" : ": " + callback.errorDescription())
                        + ". You can close this window and return to the pgAnalytics console.");
            }
        }
    }

    private static Map<String, String> parse(String raw) {
        Map<String, String> values = new HashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    /** A page without scripts, styles from elsewhere or images: nothing for the browser to fetch. */
    private static void answer(HttpExchange exchange, int status, String title, String sentence) throws IOException {
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>"
                + "<body style=\"font-family: sans-serif; margin: 4em;\"><h1>" + escape(title) + "</h1><p>" + escape(sentence)
                + "</p></body></html>";
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

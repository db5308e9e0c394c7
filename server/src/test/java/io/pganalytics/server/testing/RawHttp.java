package io.pganalytics.server.testing;

import io.pganalytics.server.PgAnalyticsServer;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Bytes on a real socket to a server node, for what {@link java.net.http.HttpClient} will not send: a request target
 * of {@code *}, HTTP/1.0, a forged Host, both Content-Length and Transfer-Encoding, a request left unfinished.
 * Speaks TLS when the node does, trusting exactly its certificate.
 */
public final class RawHttp {
    private final PgAnalyticsServer server;

    public RawHttp(PgAnalyticsServer server) {
        this.server = server;
    }

    /** A parsed answer: status code, headers (lower-case names) and body. */
    public record Answer(int status, String statusLine, Map<String, String> headers, String body) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /** A connected socket to the API port: TLS with the handshake done when the node serves HTTPS. */
    public Socket open() {
        try {
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            if (server.tls().isEmpty()) {
                return plain;
            }
            SSLSocket tls = (SSLSocket) ApiClient.trusting(server.tls().get().leaf()).getSocketFactory()
                    .createSocket(plain, "127.0.0.1", server.port(), true);
            tls.startHandshake();
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain TCP connection to the API port, without TLS. */
    public Socket openTcp() {
        try {
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            return plain;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the request as given (CRLFs included) on a new connection and reads the answer until the server closes or 10 s pass. */
    public Answer exchange(String request) {
        try (Socket socket = open()) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return parse(readAnswer(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the server closed the connection within {@code within}: reads (and discards) until end of stream or a
     * reset. Anything the server sends before closing (an error answer) is allowed.
     */
    public static boolean closedBy(Socket socket, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                try {
                    if (in.read(buffer) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    return false;
                }
            }
        } catch (IOException reset) {
            return true; // a reset or a TLS alert: closed
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (SocketTimeoutException end) {
            // what arrived is the answer
        } catch (IOException reset) {
            if (out.size() == 0) {
                throw reset;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Whether a whole answer with a Content-Length body has arrived (others are read until the server closes). */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Answer head = parse(text);
        return head.header("content-length").map(length -> text.length() - end - 4 >= Integer.parseInt(length.trim())).orElse(false);
    }

    private static Answer parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        String[] lines = head.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        int status = -1;
        if (lines.length > 0 && lines[0].startsWith("HTTP/")) {
            String[] parts = lines[0].split(" ");
            status = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }
        return new Answer(status, lines.length > 0 ? lines[0] : "", headers, body);
    }
}

package io.pganalytics.tools.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's latency proxy over real loopback sockets: a client, the proxy, and a server socket of the test. */
class LatencyProxyTest {
    private static final int TIMEOUT_MILLIS = 20_000;

    private ServerSocket upstream;
    private ExecutorService threads;

    @BeforeEach
    void listen() throws IOException {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterEach
    void stop() throws IOException {
        upstream.close();
        threads.shutdownNow();
    }

    @Test
    void bytesArriveIntactAndInOrderInBothDirections() throws Exception {
        byte[] up = random(3 * 1024 * 1024 + 17, 1);
        byte[] down = random(2 * 1024 * 1024 + 5, 2);
        try (LatencyProxy proxy = proxy(Duration.ofMillis(2), 256 * 1024)) {
            Future<byte[]> received = threads.submit(() -> {
                try (Socket server = accept()) {
                    Future<?> sending = threads.submit(() -> writeAll(server.getOutputStream(), down));
                    byte[] read = server.getInputStream().readNBytes(up.length);
                    sending.get();
                    return read;
                }
            });
            try (Socket client = connect(proxy)) {
                Future<?> sending = threads.submit(() -> writeAll(client.getOutputStream(), up));
                byte[] read = client.getInputStream().readNBytes(down.length);
                sending.get();
                assertArrayEquals(down, read);
                assertArrayEquals(up, received.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
            }
        }
    }

    @Test
    void everyRoundTripWaitsTwiceTheOneWayLatency() throws Exception {
        Duration oneWay = Duration.ofMillis(15);
        int rounds = 10;
        try (LatencyProxy proxy = proxy(oneWay, 64 * 1024)) {
            threads.submit(() -> {
                try (Socket server = accept()) {
                    InputStream in = server.getInputStream();
                    OutputStream out = server.getOutputStream();
                    for (int b; (b = in.read()) >= 0; ) {
                        out.write(b);
                        out.flush();
                    }
                }
                return null;
            });
            try (Socket client = connect(proxy)) {
                long start = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    client.getOutputStream().write(i);
                    client.getOutputStream().flush();
                    assertEquals(i, client.getInputStream().read());
                }
                long elapsed = System.nanoTime() - start;
                assertTrue(elapsed >= rounds * 2 * oneWay.toNanos(), rounds + " round trips took " + elapsed / 1_000_000 + " ms");
            }
        }
    }

    @Test
    void closingTheClientClosesTheServerSide() throws Exception {
        try (LatencyProxy proxy = proxy(Duration.ofMillis(1), 64 * 1024)) {
            Future<Integer> serverRead = threads.submit(() -> {
                try (Socket server = accept()) {
                    server.setSoTimeout(TIMEOUT_MILLIS);
                    InputStream in = server.getInputStream();
                    int first = in.read();
                    return first == 'x' ? in.read() : -2;
                }
            });
            Socket client = connect(proxy);
            client.getOutputStream().write('x');
            client.getOutputStream().flush();
            client.close();
            assertEquals(-1, serverRead.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
            awaitNoOpenConnection(proxy);
        }
    }

    @Test
    void closingTheServerClosesTheClientSide() throws Exception {
        try (LatencyProxy proxy = proxy(Duration.ofMillis(1), 64 * 1024)) {
            threads.submit(() -> {
                try (Socket server = accept()) {
                    server.getOutputStream().write('y');
                    server.getOutputStream().flush();
                }
                return null;
            });
            try (Socket client = connect(proxy)) {
                client.setSoTimeout(TIMEOUT_MILLIS);
                assertEquals('y', client.getInputStream().read());
                assertEquals(-1, client.getInputStream().read());
            }
            awaitNoOpenConnection(proxy);
        }
    }

    @Test
    void aServerThatDoesNotReadStopsTheSenderWithinTheBuffer() throws Exception {
        int buffer = 128 * 1024;
        byte[] data = random(64 * 1024 * 1024, 3);
        try (LatencyProxy proxy = proxy(Duration.ofMillis(1), buffer)) {
            Future<Socket> accepted = threads.submit(this::accept);
            try (Socket client = connect(proxy)) {
                AtomicLong written = new AtomicLong();
                Future<?> sending = threads.submit(() -> {
                    OutputStream out = client.getOutputStream();
                    for (int offset = 0; offset < data.length; offset += 8192) {
                        out.write(data, offset, Math.min(8192, data.length - offset));
                        written.set(offset + 8192L);
                    }
                    out.flush();
                    return null;
                });
                try (Socket server = accepted.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                    awaitStalled(written);
                    assertFalse(sending.isDone(), "the sender stopped before the end");
                    assertTrue(written.get() < data.length, written.get() + " bytes written");
                    assertTrue(proxy.peakBufferedBytes() <= buffer, "held at most " + proxy.peakBufferedBytes() + " bytes");

                    byte[] read = server.getInputStream().readNBytes(data.length);
                    sending.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    assertArrayEquals(data, read);
                    assertTrue(proxy.peakBufferedBytes() <= buffer, "held at most " + proxy.peakBufferedBytes() + " bytes");
                }
            }
        }
    }

    private LatencyProxy proxy(Duration oneWay, int buffer) throws IOException {
        return LatencyProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.getLocalPort()), oneWay, buffer);
    }

    private Socket accept() throws IOException {
        upstream.setSoTimeout(TIMEOUT_MILLIS);
        return upstream.accept();
    }

    private static Socket connect(LatencyProxy proxy) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), TIMEOUT_MILLIS);
        return socket;
    }

    private static Void writeAll(OutputStream out, byte[] data) throws IOException {
        // in uneven pieces, so that the proxy sees chunks of every size
        Random sizes = new Random(7);
        for (int offset = 0; offset < data.length; ) {
            int n = Math.min(1 + sizes.nextInt(40_000), data.length - offset);
            out.write(data, offset, n);
            offset += n;
        }
        out.flush();
        return null;
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Waits until the count has not moved for half a second. */
    private static void awaitStalled(AtomicLong count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = count.get();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(500)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the sender never stalled: " + count.get() + " bytes written");
    }

    private static void awaitNoOpenConnection(LatencyProxy proxy) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (proxy.openConnections() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(proxy.openConnections() + " connections still open");
            }
            Thread.sleep(10);
        }
    }
}

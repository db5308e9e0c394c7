package io.pganalytics.tools.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on the loopback interface that delays every chunk of data by a fixed one-way latency in each
 * direction, so that a collector on this machine talks to a PostgreSQL of this machine as if it sat across a network
 * (another zone, a managed database): each statement then waits a round trip, which is what a pool of collection
 * threads overlaps.
 * <p>
 * Per connection and direction a reader stamps each chunk on arrival and queues it, and a writer releases it at
 * arrival + latency: chunks in flight wait together, so the delay does not add up and the bandwidth is not reduced
 * (up to {@code bufferBytes} in flight per direction, which bounds the memory; a full buffer stops the reader, and
 * TCP flow control slows the sender). Order is kept. When either side closes, or fails, both sides are closed, after
 * the data already read from the closing side has been delivered. Readers and writers are virtual threads.
 */
final class LatencyProxy implements AutoCloseable {
    /** The most bytes read in one go, so one chunk. */
    static final int CHUNK_BYTES = 16 * 1024;
    /** What a chunk costs besides its bytes (the record, the array header, the queue node), charged to the budget. */
    static final int CHUNK_OVERHEAD = 64;

    private final InetSocketAddress target;
    private final long oneWayNanos;
    private final int bufferBytes;
    private final ServerSocket listener;
    /** Sockets of connections still being set up (the others belong to a {@link Connection}). */
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong peakBuffered = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private LatencyProxy(InetSocketAddress target, Duration oneWay, int bufferBytes) throws IOException {
        if (bufferBytes < CHUNK_BYTES + CHUNK_OVERHEAD) {
            throw new IllegalArgumentException("latency proxy to " + target + ": a buffer of " + bufferBytes
                    + " bytes is smaller than one chunk (" + (CHUNK_BYTES + CHUNK_OVERHEAD) + ")");
        }
        this.target = target;
        this.oneWayNanos = oneWay.toNanos();
        this.bufferBytes = bufferBytes;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("latency-proxy-accept-" + listener.getLocalPort()).unstarted(this::acceptLoop);
    }

    /**
     * Listens on a free loopback port and forwards to {@code target} with {@code oneWay} of latency each way.
     *
     * @param bufferBytes the most data held per connection and direction (at least one chunk)
     */
    static LatencyProxy start(InetSocketAddress target, Duration oneWay, int bufferBytes) throws IOException {
        LatencyProxy proxy = new LatencyProxy(target, oneWay, bufferBytes);
        proxy.acceptor.start();
        return proxy;
    }

    /** The loopback port clients connect to. */
    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    long connectionsAccepted() {
        return accepted.get();
    }

    /** Connections open now. */
    int openConnections() {
        return connections.size();
    }

    /** The most held at once by one direction of one connection (bytes plus {@link #CHUNK_OVERHEAD} per chunk). */
    long peakBufferedBytes() {
        return peakBuffered.get();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        acceptor.interrupt();
        connections.forEach(Connection::end);
        sockets.forEach(LatencyProxy::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;  // closed
            }
            accepted.incrementAndGet();
            Thread.ofVirtual().name("latency-proxy-connect-" + client.getPort()).start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        sockets.add(client);
        sockets.add(server);
        Connection connection = null;
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(target, 5_000);
            // on a network the TCP handshake costs a round trip before the first byte
            Thread.sleep(Duration.ofNanos(2 * oneWayNanos));
            connection = new Connection(client, server);
            connections.add(connection);
            connection.start();
            if (closed) {
                connection.end();
            }
        } catch (IOException e) {
            abandon(connection, client, server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(connection, client, server);
        } finally {
            sockets.remove(client);
            sockets.remove(server);
        }
    }

    private static void abandon(Connection connection, Socket client, Socket server) {
        if (connection != null) {
            connection.end();
        } else {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing: nothing left to do with it
        }
    }

    /** A chunk of data and when it may be passed on; an empty chunk marks the end of the stream. */
    private record Chunk(byte[] data, long dueNanos) {
    }

    /** Both sockets of one proxied connection and the threads that carry its two directions. */
    private final class Connection {
        private final Socket client;
        private final Socket server;
        private final List<Thread> threads = new CopyOnWriteArrayList<>();
        private final AtomicBoolean ended = new AtomicBoolean();

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() throws IOException {
            pipe(client.getInputStream(), server.getOutputStream(), "up");
            pipe(server.getInputStream(), client.getOutputStream(), "down");
        }

        private void pipe(InputStream in, OutputStream out, String direction) {
            // the budget counts each chunk's bytes plus its bookkeeping, so that many tiny chunks are bounded too
            Semaphore budget = new Semaphore(bufferBytes);
            BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            AtomicLong held = new AtomicLong();
            String name = "latency-proxy-" + client.getPort() + "-" + direction;
            threads.add(Thread.ofVirtual().name(name + "-read").start(() -> read(in, queue, budget, held)));
            threads.add(Thread.ofVirtual().name(name + "-write").start(() -> write(out, queue, budget, held)));
        }

        private void read(InputStream in, BlockingQueue<Chunk> queue, Semaphore budget, AtomicLong held) {
            byte[] buffer = new byte[CHUNK_BYTES];
            try {
                while (true) {
                    int n = in.read(buffer);
                    long due = System.nanoTime() + oneWayNanos;
                    if (n < 0) {
                        queue.put(new Chunk(new byte[0], due));
                        return;
                    }
                    budget.acquire(n + CHUNK_OVERHEAD);
                    peakBuffered.accumulateAndGet(held.addAndGet(n + CHUNK_OVERHEAD), Math::max);
                    queue.put(new Chunk(Arrays.copyOf(buffer, n), due));
                }
            } catch (IOException e) {
                end();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                end();
            }
        }

        private void write(OutputStream out, BlockingQueue<Chunk> queue, Semaphore budget, AtomicLong held) {
            try {
                while (true) {
                    Chunk chunk = queue.take();
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    }
                    if (chunk.data().length == 0) {
                        end();
                        return;
                    }
                    out.write(chunk.data());
                    out.flush();
                    held.addAndGet(-chunk.data().length - CHUNK_OVERHEAD);
                    budget.release(chunk.data().length + CHUNK_OVERHEAD);
                }
            } catch (IOException e) {
                end();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                end();
            }
        }

        /** Closes both sides and stops the other direction's threads (a writer may be waiting for a chunk). */
        void end() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            closeQuietly(client);
            closeQuietly(server);
            connections.remove(this);
            threads.stream().filter(t -> t != Thread.currentThread()).forEach(Thread::interrupt);
        }
    }
}

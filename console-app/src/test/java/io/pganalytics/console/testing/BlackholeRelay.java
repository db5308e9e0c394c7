package io.pganalytics.console.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of a real server that can turn into a black hole: while it is one, bytes already
 * read are held and nothing is forwarded either way, as when a network path silently drops packets (the sockets stay
 * open, nobody is told). TLS passes through untouched.
 */
public final class BlackholeRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final Object gate = new Object();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong toClient = new AtomicLong();
    private volatile boolean blackhole;
    private volatile boolean closed;

    public BlackholeRelay(int targetPort) {
        this.target = targetPort;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("relay-accept").start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Bytes forwarded from the server to clients so far. */
    public long bytesToClients() {
        return toClient.get();
    }

    /** From now on nothing is forwarded, on open connections and new ones alike. */
    public void blackhole() {
        blackhole = true;
    }

    /** Forwarding resumes. */
    public void heal() {
        synchronized (gate) {
            blackhole = false;
            gate.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        heal();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, null));
                Thread.ofVirtual().start(() -> pump(server, client, toClient));
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (gate) {
                    while (blackhole && !closed) {
                        gate.wait();
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
                if (counter != null) {
                    counter.addAndGet(n);
                }
            }
        } catch (IOException e) {
            // one side went away: so does the other
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}

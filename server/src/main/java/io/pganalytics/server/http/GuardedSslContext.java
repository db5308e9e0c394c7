package io.pganalytics.server.http;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.ServerSocketChannel;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.Set;

/**
 * An {@link SSLContext} that is another one in every respect except that its server sockets hand each accepted
 * connection to a {@link ConnectionGuard} first. Package-private plumbing of {@link ConnectionGuard#guard}.
 */
final class GuardedSslContext {
    private GuardedSslContext() {
    }

    static SSLContext wrap(SSLContext context, ConnectionGuard guard) {
        return new SSLContext(new Spi(context, guard), context.getProvider(), context.getProtocol()) {
        };
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext context;
        private final ConnectionGuard guard;

        Spi(SSLContext context, ConnectionGuard guard) {
            this.context = context;
            this.guard = guard;
        }

        @Override
        protected void engineInit(javax.net.ssl.KeyManager[] km, javax.net.ssl.TrustManager[] tm, SecureRandom random)
                throws KeyManagementException {
            context.init(km, tm, random);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return context.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return new Factory(context.getServerSocketFactory(), guard);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return context.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return context.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return context.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return context.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return context.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return context.getSupportedSSLParameters();
        }
    }

    private static final class Factory extends SSLServerSocketFactory {
        private final SSLServerSocketFactory factory;
        private final ConnectionGuard guard;

        Factory(SSLServerSocketFactory factory, ConnectionGuard guard) {
            this.factory = factory;
            this.guard = guard;
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return new GuardedServerSocket((SSLServerSocket) factory.createServerSocket(), guard);
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new GuardedServerSocket((SSLServerSocket) factory.createServerSocket(port), guard);
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return new GuardedServerSocket((SSLServerSocket) factory.createServerSocket(port, backlog), guard);
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            return new GuardedServerSocket((SSLServerSocket) factory.createServerSocket(port, backlog, address), guard);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return factory.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return factory.getSupportedCipherSuites();
        }
    }

    /** The real server socket, every call passed on; {@link #accept()} also guards the new connection. */
    private static final class GuardedServerSocket extends SSLServerSocket {
        private final SSLServerSocket socket;
        private final ConnectionGuard guard;

        GuardedServerSocket(SSLServerSocket socket, ConnectionGuard guard) throws IOException {
            this.socket = socket;
            this.guard = guard;
        }

        @Override
        public Socket accept() throws IOException {
            Socket accepted = socket.accept();
            if (accepted instanceof SSLSocket tls) {
                guard.accepted(tls);
            }
            return accepted;
        }

        @Override
        public void bind(SocketAddress endpoint) throws IOException {
            socket.bind(endpoint);
        }

        @Override
        public void bind(SocketAddress endpoint, int backlog) throws IOException {
            socket.bind(endpoint, backlog);
        }

        @Override
        public InetAddress getInetAddress() {
            return socket.getInetAddress();
        }

        @Override
        public int getLocalPort() {
            return socket.getLocalPort();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return socket.getLocalSocketAddress();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public ServerSocketChannel getChannel() {
            return socket.getChannel();
        }

        @Override
        public boolean isBound() {
            return socket.isBound();
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public void setSoTimeout(int timeout) throws java.net.SocketException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() throws IOException {
            return socket.getSoTimeout();
        }

        @Override
        public void setReuseAddress(boolean on) throws java.net.SocketException {
            socket.setReuseAddress(on);
        }

        @Override
        public boolean getReuseAddress() throws java.net.SocketException {
            return socket.getReuseAddress();
        }

        @Override
        public void setReceiveBufferSize(int size) throws java.net.SocketException {
            socket.setReceiveBufferSize(size);
        }

        @Override
        public int getReceiveBufferSize() throws java.net.SocketException {
            return socket.getReceiveBufferSize();
        }

        @Override
        public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
            socket.setPerformancePreferences(connectionTime, latency, bandwidth);
        }

        @Override
        public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
            socket.setOption(name, value);
            return this;
        }

        @Override
        public <T> T getOption(SocketOption<T> name) throws IOException {
            return socket.getOption(name);
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return socket.supportedOptions();
        }

        @Override
        public String toString() {
            return socket.toString();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return socket.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            socket.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return socket.getSupportedCipherSuites();
        }

        @Override
        public String[] getSupportedProtocols() {
            return socket.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return socket.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            socket.setEnabledProtocols(protocols);
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            socket.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return socket.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            socket.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return socket.getWantClientAuth();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            socket.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return socket.getUseClientMode();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            socket.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return socket.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return socket.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            socket.setSSLParameters(params);
        }
    }
}

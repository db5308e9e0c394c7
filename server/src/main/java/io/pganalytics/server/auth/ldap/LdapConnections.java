package io.pganalytics.server.auth.ldap;

import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import io.pganalytics.server.http.ApiException;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/**
 * The connections of one LDAP provider: a pool of service-bound connections for searches, and fresh connections for
 * the users' binds (a user's bind never touches a pooled connection, so the pool never runs as a user). Both go
 * through the same failover server set, with TLS (LDAPS or StartTLS) checked against the configured trust store and
 * the server's host name, and with the configured connect and response timeouts.
 */
final class LdapConnections implements AutoCloseable {
    private final String provider;
    private final LdapSettings settings;
    private final ServerSet servers;
    private LDAPConnectionPool pool;
    private boolean closed;

    LdapConnections(String provider, LdapSettings settings) {
        this.provider = provider;
        this.settings = settings;
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis((int) settings.connectTimeout().toMillis());
        options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        options.setAbandonOnTimeout(true);
        options.setUseSynchronousMode(false);
        // A simple bind with a DN and an empty password is an unauthenticated bind that "succeeds": never send one.
        options.setBindWithDNRequiresPassword(true);
        options.setFollowReferrals(false);
        String[] hosts = settings.servers().stream().map(LdapSettings.Server::host).toArray(String[]::new);
        int[] ports = settings.servers().stream().mapToInt(LdapSettings.Server::port).toArray();
        SocketFactory sockets = SocketFactory.getDefault();
        PostConnectProcessor startTls = null;
        if (settings.usesTls()) {
            options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
            try {
                // The JDK's own context and sockets: the SDK's socket wrapper drops the endpoint identification.
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[]{trustManager()}, null);
                CheckedTls tls = new CheckedTls(context.getSocketFactory(), options.getConnectTimeoutMillis());
                if (settings.security() == LdapSettings.Security.LDAPS) {
                    sockets = tls;
                } else {
                    startTls = new StartTLSPostConnectProcessor(tls);
                }
            } catch (GeneralSecurityException e) {
                throw ApiException.invalid(trustSetting(), "cannot make a TLS context of it: " + e.getMessage());
            }
        }
        this.servers = new FailoverServerSet(hosts, ports, sockets, options, null, startTls);
    }

    /** A service-bound connection from the pool; give it back with {@link #release} or {@link #releaseDefunct}. */
    LDAPConnection service() throws LDAPException {
        return pool().getConnection();
    }

    void release(LDAPConnection connection) {
        pool().releaseConnection(connection);
    }

    void releaseDefunct(LDAPConnection connection) {
        pool().releaseDefunctConnection(connection);
    }

    /** The pool itself, for single operations that it retries on a fresh connection when a pooled one went stale. */
    synchronized LDAPConnectionPool pool() {
        if (closed) {
            throw ApiException.unavailable("LDAP provider " + provider + " is being reconfigured; try again", java.time.Duration.ofSeconds(2));
        }
        if (pool == null) {
            try {
                // No connection is opened here (0 initial, no throw): a directory that is down when the server starts
                // is reached at the first sign-in, and each later call tries again.
                pool = new LDAPConnectionPool(servers, new SimpleBindRequest(settings.bindDn(), settings.bindPassword()),
                        0, settings.poolSize(), 1, null, false);
                pool.setConnectionPoolName("ldap-" + provider);
                pool.setMaxWaitTimeMillis(settings.connectTimeout().toMillis());
                pool.setRetryFailedOperationsDueToInvalidConnections(true);
                pool.setMaxConnectionAgeMillis(15 * 60_000L);
            } catch (LDAPException e) {
                throw new IllegalStateException("LDAP provider " + provider + ": cannot make its pool: " + e.getMessage(), e);
            }
        }
        return pool;
    }

    /** A new connection, not bound yet (TLS already set up): for one user's bind, closed by the caller. */
    LDAPConnection fresh() throws LDAPException {
        return servers.getConnection();
    }

    String describeServers() {
        return settings.servers().stream().map(s -> s.host() + ":" + s.port()).toList() + " ("
                + switch (settings.security()) {
                    case LDAPS -> "LDAPS";
                    case START_TLS -> "StartTLS";
                    case PLAINTEXT -> "plain LDAP, allowed by settings.allowPlaintext";
                } + ")";
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    /**
     * TLS sockets that check the server's name in the handshake itself (the JDK's "LDAPS" endpoint identification,
     * RFC 2830: the URL's host, name or IP address, must be in the certificate), and that time out on reads until the
     * SDK sets its own timeout: the SDK runs the handshake before it does, so a directory that accepts and never
     * answers would hang an LDAPS connect for ever.
     */
    private static final class CheckedTls extends SSLSocketFactory {
        private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
        private final SSLSocketFactory delegate;
        private final int timeoutMillis;

        CheckedTls(SSLSocketFactory delegate, int timeoutMillis) {
            this.delegate = delegate;
            this.timeoutMillis = timeoutMillis;
        }

        private Socket timed(Socket socket) throws IOException {
            socket.setSoTimeout(timeoutMillis);
            if (socket instanceof SSLSocket tls) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setProtocols(PROTOCOLS);
                parameters.setEndpointIdentificationAlgorithm("LDAPS");
                tls.setSSLParameters(parameters);
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return timed(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return timed(delegate.createSocket(socket, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return timed(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return timed(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return timed(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return timed(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    private String trustSetting() {
        return settings.caFile() != null ? "settings.caFile" : "settings.trustStore";
    }

    /** The configured CAs, checked by the JDK's PKIX validation (chains, validity dates, key usage). */
    private TrustManager trustManager() {
        try {
            KeyStore store;
            if (settings.caFile() != null) {
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                Collection<? extends Certificate> certificates;
                try (InputStream in = Files.newInputStream(settings.caFile())) {
                    certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (certificates.isEmpty()) {
                    throw ApiException.invalid("settings.caFile", "holds no PEM certificate");
                }
                int i = 0;
                for (Certificate certificate : certificates) {
                    store.setCertificateEntry("ca-" + i++, certificate);
                }
            } else {
                store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(settings.trustStore())) {
                    store.load(in, settings.trustStorePassword().toCharArray());
                }
                if (store.size() == 0) {
                    throw ApiException.invalid("settings.trustStore", "holds no certificate");
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return factory.getTrustManagers()[0];
        } catch (IOException e) {
            throw ApiException.invalid(trustSetting(), "cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (GeneralSecurityException e) {
            throw ApiException.invalid(trustSetting(), "is not a usable trust store: " + e.getMessage());
        }
    }
}

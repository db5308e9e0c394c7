package io.pganalytics.console.api;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the console trusts of one server. {@link #pinned} trusts exactly the certificate with that fingerprint (a
 * pin is stronger than a host-name check, which it therefore replaces: a self-signed server is often reached by an
 * address its certificate does not name). {@link #system} trusts what the JDK's certificate authorities trust, with
 * the usual host-name check. Either remembers the chain it was shown, so that a refused certificate can be shown to
 * the person who decides whether to pin it.
 */
public final class ServerTrust extends X509ExtendedTrustManager {
    private enum Mode { PINNED, SYSTEM }

    private final Mode mode;
    private final String fingerprint;
    private final X509ExtendedTrustManager system;
    private final AtomicReference<List<X509Certificate>> presented = new AtomicReference<>(List.of());

    private ServerTrust(Mode mode, String fingerprint) {
        this.mode = mode;
        this.fingerprint = fingerprint;
        this.system = systemTrustManager();
    }

    public static ServerTrust pinned(String fingerprint) {
        return new ServerTrust(Mode.PINNED, Fingerprints.normalize(fingerprint));
    }

    public static ServerTrust system() {
        return new ServerTrust(Mode.SYSTEM, null);
    }

    /** The chain the server presented at the last handshake, leaf first; empty before one. */
    public List<X509Certificate> presented() {
        return presented.get();
    }

    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{this}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        presented.set(List.of(chain));
        if (mode == Mode.SYSTEM) {
            system.checkServerTrusted(chain, authType, socket);
        } else {
            checkPinned(chain);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        presented.set(List.of(chain));
        if (mode == Mode.SYSTEM) {
            system.checkServerTrusted(chain, authType, engine);
        } else {
            checkPinned(chain);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        presented.set(List.of(chain));
        if (mode == Mode.SYSTEM) {
            system.checkServerTrusted(chain, authType);
        } else {
            checkPinned(chain);
        }
    }

    private void checkPinned(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        String actual = Fingerprints.sha256(chain[0]);
        if (!actual.equals(fingerprint)) {
            throw new PinMismatch(fingerprint, actual);
        }
        chain[0].checkValidity();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the console authenticates no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the console authenticates no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the console authenticates no clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private static X509ExtendedTrustManager systemTrustManager() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("the JDK offers no X509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's trust store: " + e.getMessage(), e);
        }
    }

    /** The server's certificate is not the pinned one. */
    static final class PinMismatch extends CertificateException {
        private static final long serialVersionUID = 1L;
        final String expected;
        final String actual;

        PinMismatch(String expected, String actual) {
            super("the server's certificate changed: pinned " + expected + ", presented " + actual);
            this.expected = expected;
            this.actual = actual;
        }
    }
}

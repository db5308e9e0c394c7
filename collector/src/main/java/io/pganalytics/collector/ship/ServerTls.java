package io.pganalytics.collector.ship;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;

/**
 * How the collector trusts the server's certificate.
 * <p>
 * With a CA file, exactly the certificates in that PEM file are trusted (the server's self-signed certificate,
 * or the CA that signed it) and the host name is still checked. With {@code insecureSkipVerify}, nothing is
 * checked: for trying things out only, and logged as a warning every time a client is built.
 * Neither: the JDK's default trust store.
 *
 * @param caFile             a PEM file of certificates to trust, or null
 * @param insecureSkipVerify trust any certificate for any host name
 */
public record ServerTls(Path caFile, boolean insecureSkipVerify) {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    public static final ServerTls DEFAULT = new ServerTls(null, false);

    /** Builds an HTTP client for the server (HTTP/1.1, no redirects). */
    public HttpClient newClient(Duration connectTimeout) throws IOException {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout);
        if (insecureSkipVerify) {
            LOG.warn("TLS certificate verification of the server is OFF (insecure-skip-verify): anyone on the "
                    + "network path can impersonate the server. Use server.ca-file instead.");
            builder.sslContext(context(new TrustManager[]{new TrustEverything()}));
        } else if (caFile != null) {
            builder.sslContext(context(trustManagersFor(caFile)));
        }
        return builder.build();
    }

    private static TrustManager[] trustManagersFor(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException("CA file " + caFile + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("CA file " + caFile + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    private static SSLContext context(TrustManager[] trustManagers) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** An extended trust manager, so that the JDK also skips its host-name check. */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

package io.pganalytics.server.audit.forwarding;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;

/** The TLS context of a destination: the JDK's trusted CAs, or only those of its {@code ca-file}. */
final class TlsTrust {
    private TlsTrust() {
    }

    static SSLContext context(String destination, Optional<Path> caFile) {
        try {
            if (caFile.isEmpty()) {
                return SSLContext.getDefault();
            }
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(caFile.get())) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IllegalStateException("audit forwarding " + destination + ": ca-file " + caFile.get() + " holds no PEM certificate");
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new IllegalStateException("audit forwarding " + destination + ": cannot read ca-file " + caFile.orElse(null) + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("audit forwarding " + destination + ": ca-file " + caFile.orElse(null) + " is not usable: " + e.getMessage(), e);
        }
    }

    /** A secret from its file (trimmed) or environment variable; its value never appears in a message. */
    static Optional<String> secret(ForwardingConfig.Destination d, java.util.function.Function<String, String> environment) {
        if (d.secretFile().isPresent()) {
            try {
                String value = Files.readString(d.secretFile().get()).trim();
                if (value.isEmpty()) {
                    throw new IllegalStateException("audit forwarding " + d.name() + ": secret file " + d.secretFile().get() + " is empty");
                }
                return Optional.of(value);
            } catch (IOException e) {
                throw new IllegalStateException("audit forwarding " + d.name() + ": cannot read secret file " + d.secretFile().get()
                        + ": " + e.getClass().getSimpleName(), e);
            }
        }
        if (d.secretEnv().isPresent()) {
            String value = environment.apply(d.secretEnv().get());
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("audit forwarding " + d.name() + ": environment variable " + d.secretEnv().get() + " is not set");
            }
            return Optional.of(value.trim());
        }
        return Optional.empty();
    }
}

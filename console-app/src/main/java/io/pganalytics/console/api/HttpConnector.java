package io.pganalytics.console.api;

import io.pganalytics.console.common.ConsoleHome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The real {@link Connector}: probes over {@code java.net.http}, pins in {@link KnownServers}. */
public final class HttpConnector implements Connector {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnector.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final KnownServers servers;
    private final RefreshTokens tokens;

    public HttpConnector(ConsoleHome home) {
        this.servers = new KnownServers(home);
        this.tokens = new RefreshTokens(home);
    }

    public KnownServers servers() {
        return servers;
    }

    @Override
    public List<KnownServer> knownServers() {
        return servers.all();
    }

    @Override
    public Probe probe(ServerAddress address) {
        if (!address.encrypted()) {
            call(address, null);
            return new Probe(address, Probe.Verdict.UNENCRYPTED, null, null, null, null);
        }
        Optional<KnownServer> known = servers.find(address).filter(KnownServer::pinned);
        ServerTrust trust = known.map(k -> ServerTrust.pinned(k.fingerprint())).orElseGet(ServerTrust::system);
        try {
            call(address, trust);
            X509Certificate leaf = trust.presented().getFirst();
            return new Probe(address, known.isPresent() ? Probe.Verdict.PINNED : Probe.Verdict.TRUSTED_BY_AUTHORITY,
                    Fingerprints.sha256(leaf), null, leaf.getSubjectX500Principal().getName(), leaf.getNotAfter().toInstant());
        } catch (ApiException e) {
            if ((e.kind() != ApiException.Kind.CERTIFICATE_UNTRUSTED && e.kind() != ApiException.Kind.CERTIFICATE_CHANGED)
                    || trust.presented().isEmpty()) {
                throw e;
            }
            X509Certificate leaf = trust.presented().getFirst();
            String fingerprint = Fingerprints.sha256(leaf);
            Probe.Verdict verdict = known.isPresent() ? Probe.Verdict.CERTIFICATE_CHANGED : Probe.Verdict.NEW_CERTIFICATE;
            if (verdict == Probe.Verdict.CERTIFICATE_CHANGED) {
                LOG.warn("{}: the server's certificate CHANGED: pinned {}, presented {}", address, known.get().fingerprint(), fingerprint);
            }
            return new Probe(address, verdict, fingerprint, known.map(KnownServer::fingerprint).orElse(null),
                    leaf.getSubjectX500Principal().getName(), leaf.getNotAfter().toInstant());
        }
    }

    @Override
    public void trust(Probe probe) {
        LOG.info("{}: pinning the certificate with SHA-256 fingerprint {}", probe.address(), probe.fingerprint());
        servers.trust(probe.address(), probe.verdict() == Probe.Verdict.TRUSTED_BY_AUTHORITY ? null : probe.fingerprint());
    }

    @Override
    public ConsoleApi open(ServerAddress address) {
        ServerTrust trust = null;
        if (address.encrypted()) {
            trust = servers.find(address).filter(KnownServer::pinned).map(k -> ServerTrust.pinned(k.fingerprint()))
                    .orElseGet(ServerTrust::system);
        }
        return new HttpConsoleApi(address, trust, tokens, servers);
    }

    /** One unauthenticated GET of a public route: the handshake is what matters. */
    private static void call(ServerAddress address, ServerTrust trust) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (trust != null) {
            builder.sslContext(trust.sslContext());
        }
        try (HttpClient client = builder.build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(address.apiBase() + "/auth/jwks"))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().contains("keys")) {
                throw new ApiException(ApiException.Kind.PROTOCOL, "The server at " + address
                        + " answered, but it is not a pgAnalytics server (HTTP " + response.statusCode() + ").", null, null);
            }
        } catch (SSLException e) {
            throw classify(address, trust, e);
        } catch (IOException e) {
            throw ApiException.unreachable(address.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unreachable(address.toString(), e);
        }
    }

    static ApiException classify(ServerAddress address, ServerTrust trust, SSLException e) {
        if (trust != null && !trust.presented().isEmpty()) {
            Throwable cause = e;
            while (cause != null) {
                if (cause instanceof ServerTrust.PinMismatch) {
                    return new ApiException(ApiException.Kind.CERTIFICATE_CHANGED, "The certificate of " + address
                            + " has CHANGED since you trusted it. Someone may be intercepting the connection: nothing was sent.", null, e);
                }
                cause = cause.getCause();
            }
            return new ApiException(ApiException.Kind.CERTIFICATE_UNTRUSTED, "The certificate of " + address + " is not trusted.", null, e);
        }
        return ApiException.unreachable(address.toString(), e);
    }
}

package io.pganalytics.console.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.pganalytics.common.backup.InstanceArchiving;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.MfaEnrolmentResult;
import io.pganalytics.common.auth.MfaStepUpRequest;
import io.pganalytics.common.auth.MfaTotpConfirmRequest;
import io.pganalytics.common.auth.MfaTotpEnrolment;
import io.pganalytics.common.auth.MfaTotpStartRequest;
import io.pganalytics.common.auth.MfaVerifyRequest;
import io.pganalytics.common.auth.RefreshRequest;
import io.pganalytics.common.auth.TokenResponse;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.query.ActivitySnapshot;
import io.pganalytics.common.query.IndexPage;
import io.pganalytics.common.query.InstanceDetail;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.QueryDetail;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.common.query.TablePage;
import io.pganalytics.common.query.TopQueries;
import io.pganalytics.common.query.WaitEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * {@link ConsoleApi} over HTTPS. The access token lives in this object only; the single-use refresh token is kept in
 * {@link RefreshTokens} and exchanged (under a lock, so that two threads never spend it twice) shortly before the
 * access token expires, or when a call is answered 401.
 */
final class HttpConsoleApi implements ConsoleApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConsoleApi.class);
    private static final Duration REFRESH_AHEAD = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final ServerAddress address;
    private final ServerTrust trust;
    private final HttpClient http;
    private final RefreshTokens tokens;
    private final KnownServers servers;
    /** Tolerant of fields a newer server adds. */
    private final ObjectMapper mapper = JsonMapping.newMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final List<Consumer<String>> expiredListeners = new CopyOnWriteArrayList<>();
    private final AdminApi admin = new HttpAdminApi(this);
    private final AuditApi audit = new HttpAuditApi(this);
    private final BackupsApi backups = new HttpBackupsApi(this, Map.of());
    private final AnomaliesApi anomalies = new HttpAnomaliesApi(this);
    private final AlertsApi alerts = new HttpAlertsApi(this);
    private final AlertingAdminApi alertingAdmin = new HttpAlertingAdminApi(this, Map.of());

    private final Object lock = new Object();
    private String accessToken;
    private Instant accessExpiresAt = Instant.MIN;
    private String refreshToken;
    private UserView user;

    HttpConsoleApi(ServerAddress address, ServerTrust trust, RefreshTokens tokens, KnownServers servers) {
        this.address = address;
        this.trust = trust;
        this.tokens = tokens;
        this.servers = servers;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(HttpConnector.CONNECT_TIMEOUT);
        if (trust != null) {
            builder.sslContext(trust.sslContext());
        }
        this.http = builder.build();
    }

    @Override
    public ServerAddress address() {
        return address;
    }

    @Override
    public List<ProviderSummary> providers() {
        HttpResponse<String> response = send(request("/auth/providers", null).GET().build());
        if (response.statusCode() == 404) {
            return List.of(ProviderSummary.local());
        }
        return decode(response, new TypeReference<List<ProviderSummary>>() { });
    }

    @Override
    public SignIn signIn(String username, String password, String provider) {
        String named = provider == null || provider.equals("local") ? null : provider;
        return signedIn(send(post("/auth/login", new LoginRequest(username, password, named)).build()));
    }

    @Override
    public URI singleSignOnStart(String provider, URI redirectUri, String state, String codeChallenge) {
        return URI.create(address.apiBase() + "/auth/sso/" + encode(provider) + "/start?redirect_uri=" + encode(redirectUri.toString())
                + "&state=" + encode(state) + "&code_challenge=" + encode(codeChallenge) + "&code_challenge_method=S256");
    }

    @Override
    public SignIn exchangeSingleSignOnCode(String code, String codeVerifier, URI redirectUri) {
        Map<String, String> body = Map.of("code", code, "codeVerifier", codeVerifier, "redirectUri", redirectUri.toString());
        return signedIn(send(post("/auth/sso/token", body).build()));
    }

    @Override
    public SignIn verifyMfa(String challenge, String method, String code) {
        return signedIn(send(post("/auth/mfa/verify", new MfaVerifyRequest(challenge, method, code)).build()));
    }

    @Override
    public MfaTotpEnrolment startTotp(String challenge) {
        if (challenge != null) {
            return decode(send(post("/auth/mfa/totp", new MfaTotpStartRequest(challenge)).build()), MfaTotpEnrolment.class);
        }
        return decode(authenticated("POST", "/auth/mfa/totp", new MfaTotpStartRequest(null), true), MfaTotpEnrolment.class);
    }

    @Override
    public EnrolmentResult confirmTotp(String enrolmentId, String code, String challenge) {
        MfaTotpConfirmRequest body = new MfaTotpConfirmRequest(enrolmentId, code, challenge);
        HttpResponse<String> response = challenge != null ? send(post("/auth/mfa/totp/confirm", body).build())
                : authenticated("POST", "/auth/mfa/totp/confirm", body, true);
        MfaEnrolmentResult confirmed = decode(response, MfaEnrolmentResult.class);
        UserView signedIn = null;
        if (confirmed.tokens() != null && confirmed.tokens().complete() && confirmed.tokens().accessToken() != null) {
            signedIn = signedIn(confirmed.tokens()).user();
        }
        return new EnrolmentResult(confirmed.backupCodes(), signedIn);
    }

    @Override
    public void stepUp(String method, String code) {
        // a wrong code is answered 401 too: that is the code's fault, not the session's, so no refresh and no sign-out
        TokenResponse fresh = decode(authenticated("POST", "/auth/mfa/step-up", new MfaStepUpRequest(method, code), false),
                TokenResponse.class);
        if (fresh.accessToken() != null) {
            synchronized (lock) {
                accept(fresh);
            }
        }
        LOG.info("{}: second factor proved again for an admin action", address);
    }

    @Override
    public AdminApi admin() {
        return admin;
    }

    @Override
    public AuditApi audit() {
        return audit;
    }

    @Override
    public BackupsApi backups() {
        return backups;
    }

    @Override
    public AnomaliesApi anomalies() {
        return anomalies;
    }

    @Override
    public AlertsApi alerts() {
        return alerts;
    }

    @Override
    public AlertingAdminApi alertingAdmin() {
        return alertingAdmin;
    }

    @Override
    public Optional<UserView> resume() {
        Optional<RefreshTokens.Stored> stored = tokens.load(address);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        synchronized (lock) {
            refreshToken = stored.get().refreshToken();
            try {
                refreshLocked();
            } catch (ApiException e) {
                if (e.kind() == ApiException.Kind.SESSION_EXPIRED) {
                    return Optional.empty();
                }
                throw e;
            }
            LOG.info("{}: resumed the session of {}", address, user.username());
            return Optional.of(user);
        }
    }

    @Override
    public Optional<String> rememberedUsername() {
        return servers.find(address).map(KnownServer::lastUsername);
    }

    @Override
    public void logout() {
        String token;
        synchronized (lock) {
            token = accessToken;
            clear();
        }
        tokens.delete(address);
        if (token != null) {
            try {
                send(request("/auth/logout", token).POST(HttpRequest.BodyPublishers.noBody()).build());
            } catch (ApiException e) {
                LOG.info("{}: signed out locally; the server was not told ({})", address, e.getMessage());
            }
        }
    }

    @Override
    public Optional<UserView> user() {
        synchronized (lock) {
            return Optional.ofNullable(user);
        }
    }

    @Override
    public void onSessionExpired(Consumer<String> listener) {
        expiredListeners.add(listener);
    }

    @Override
    public InstancePage instances(int limit) {
        return get("/instances?limit=" + limit, InstancePage.class);
    }

    @Override
    public List<InstanceArchiving> archiving() {
        return decode(authenticated("GET", "/archiving", null, true), new TypeReference<List<InstanceArchiving>>() { });
    }

    @Override
    public InstanceDetail instance(long id) {
        return get("/instances/" + id, InstanceDetail.class);
    }

    @Override
    public SeriesResponse series(long id, String metric, Instant from, Instant to) {
        return get("/instances/" + id + "/series?metric=" + encode(metric) + range(from, to), SeriesResponse.class);
    }

    @Override
    public TopQueries topQueries(long id, Instant from, Instant to, String orderBy, int limit) {
        return get("/instances/" + id + "/queries/top?orderBy=" + encode(orderBy) + "&limit=" + limit + range(from, to), TopQueries.class);
    }

    @Override
    public QueryDetail query(long id, long queryid, Instant from, Instant to) {
        return get("/instances/" + id + "/queries/" + queryid + "?" + range(from, to).substring(1), QueryDetail.class);
    }

    @Override
    public WaitEvents waits(long id, Instant from, Instant to, int limit) {
        return get("/instances/" + id + "/waits?limit=" + limit + range(from, to), WaitEvents.class);
    }

    @Override
    public TablePage tables(long id, Instant from, Instant to, int limit) {
        return get("/instances/" + id + "/tables?limit=" + limit + range(from, to), TablePage.class);
    }

    @Override
    public IndexPage indexes(long id, Instant from, Instant to, int limit) {
        return get("/instances/" + id + "/indexes?limit=" + limit + range(from, to), IndexPage.class);
    }

    @Override
    public ActivitySnapshot activity(long id) {
        return get("/instances/" + id + "/activity", ActivitySnapshot.class);
    }

    @Override
    public LiveSubscription live(long id, LiveListener listener) {
        return LiveStream.open(this, id, listener);
    }

    @Override
    public void close() {
        http.close();
    }

    // ---- plumbing shared with LiveStream

    HttpClient http() {
        return http;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(address.apiBase() + path)).timeout(REQUEST_TIMEOUT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** The access token to send now, refreshed first when it is about to expire. */
    String accessToken() {
        synchronized (lock) {
            if (refreshToken == null && accessToken == null) {
                throw ApiException.sessionExpired();
            }
            if (accessToken == null || Instant.now().plus(REFRESH_AHEAD).isAfter(accessExpiresAt)) {
                refreshLocked();
            }
            return accessToken;
        }
    }

    /** A call with {@code rejected} was answered 401: refresh, unless another thread did so already. */
    String refreshAfterRejection(String rejected) {
        synchronized (lock) {
            if (accessToken != null && !Objects.equals(accessToken, rejected)) {
                return accessToken;
            }
            refreshLocked();
            return accessToken;
        }
    }

    ApiException failure(HttpResponse<String> response) {
        return failure(response.statusCode(), response.body());
    }

    ApiException failure(int status, String body) {
        try {
            return ApiException.rejected(mapper.readValue(body, ApiError.class));
        } catch (JsonProcessingException | RuntimeException e) {
            return new ApiException(ApiException.Kind.PROTOCOL, "The server at " + address + " answered HTTP " + status
                    + " without an explanation.", null, e);
        }
    }

    ApiException unreachable(Exception e) {
        if (e instanceof SSLException ssl) {
            return HttpConnector.classify(address, trust, ssl);
        }
        return ApiException.unreachable(address.toString(), e);
    }

    // ---- internals

    <T> T get(String path, Class<T> type) {
        String token = accessToken();
        HttpResponse<String> response = send(request(path, token).GET().build());
        if (response.statusCode() == 401) {
            response = send(request(path, refreshAfterRejection(token)).GET().build());
            if (response.statusCode() == 401) {
                throw expire(failure(response).getMessage());
            }
        }
        return decode(response, type);
    }

    /**
     * A call with the access token; a 401 refreshes once and retries, unless {@code refreshOn401} is false (a call
     * whose 401 means a wrong code, not an expired session).
     */
    HttpResponse<String> authenticated(String method, String path, Object body, boolean refreshOn401) {
        return authenticated(method, path, body, refreshOn401, Map.of());
    }

    /** {@link #authenticated(String, String, Object, boolean)} with extra request headers ({@code X-Confirmation}). */
    HttpResponse<String> authenticated(String method, String path, Object body, boolean refreshOn401, Map<String, String> headers) {
        String token = accessToken();
        HttpResponse<String> response = send(withBody(withHeaders(request(path, token), headers), method, body).build());
        if (response.statusCode() == 401 && refreshOn401) {
            response = send(withBody(withHeaders(request(path, refreshAfterRejection(token)), headers), method, body).build());
            if (response.statusCode() == 401) {
                throw expire(failure(response).getMessage());
            }
        }
        return response;
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder builder, Map<String, String> headers) {
        headers.forEach(builder::header);
        return builder;
    }

    private HttpRequest.Builder withBody(HttpRequest.Builder builder, String method, Object body) {
        if (body == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing " + body.getClass().getSimpleName(), e);
        }
    }

    /** A sign-in step's answer: tokens (kept, the person is signed in) or an MFA challenge. */
    private SignIn signedIn(HttpResponse<String> response) {
        return signedIn(decode(response, TokenResponse.class));
    }

    private SignIn signedIn(TokenResponse pair) {
        if (!pair.complete()) {
            return SignIn.challenged(pair.mfa());
        }
        synchronized (lock) {
            accept(pair);
        }
        servers.signedIn(address, pair.user().username());
        LOG.info("{}: signed in as {}", address, pair.user().username());
        return SignIn.signedIn(pair.user());
    }

    void expectSuccess(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw failure(response);
        }
    }

    private void refreshLocked() {
        if (refreshToken == null) {
            throw expire("no refresh token");
        }
        HttpResponse<String> response = send(post("/auth/refresh", new RefreshRequest(refreshToken)).build());
        if (response.statusCode() == 401 || response.statusCode() == 400) {
            throw expire(failure(response).getMessage());
        }
        accept(decode(response, TokenResponse.class));
        LOG.debug("{}: access token refreshed, valid until {}", address, accessExpiresAt);
    }

    private void accept(TokenResponse pair) {
        accessToken = pair.accessToken();
        accessExpiresAt = pair.accessTokenExpiresAt() == null ? Instant.now().plus(Duration.ofMinutes(5)) : pair.accessTokenExpiresAt();
        refreshToken = pair.refreshToken();
        user = pair.user();
        tokens.save(address, pair.user().username(), refreshToken, pair.refreshTokenExpiresAt());
    }

    private ApiException expire(String reason) {
        boolean hadSession;
        synchronized (lock) {
            hadSession = accessToken != null || refreshToken != null;
            clear();
        }
        tokens.delete(address);
        LOG.info("{}: the session ended ({})", address, reason);
        ApiException expired = ApiException.sessionExpired();
        if (hadSession) {
            expiredListeners.forEach(listener -> listener.accept(expired.getMessage()));
        }
        return expired;
    }

    private void clear() {
        accessToken = null;
        refreshToken = null;
        accessExpiresAt = Instant.MIN;
        user = null;
    }

    private HttpRequest.Builder post(String path, Object body) {
        try {
            return request(path, null).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing " + body.getClass().getSimpleName(), e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    <T> T decode(HttpResponse<String> response, Class<T> type) {
        return decode(response, mapper.constructType(type), type.getSimpleName());
    }

    <T> T decode(HttpResponse<String> response, TypeReference<T> type) {
        return decode(response, mapper.constructType(type), "list");
    }

    private <T> T decode(HttpResponse<String> response, com.fasterxml.jackson.databind.JavaType type, String what) {
        expectSuccess(response);
        try {
            return mapper.readValue(response.body(), type);
        } catch (JsonProcessingException e) {
            throw new ApiException(ApiException.Kind.PROTOCOL, "The server at " + address + " sent a " + what
                    + " the console cannot read: is it a different version?", null, e);
        }
    }

    private static String range(Instant from, Instant to) {
        return "&from=" + encode(from.toString()) + "&to=" + encode(to.toString());
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

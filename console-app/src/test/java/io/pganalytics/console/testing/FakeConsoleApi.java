package io.pganalytics.console.testing;

import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.MfaChallenge;
import io.pganalytics.common.auth.MfaTotpEnrolment;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.common.auth.UserPage;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.keys.DataKeyView;
import io.pganalytics.common.keys.KekVersionView;
import io.pganalytics.common.keys.KeyProviderView;
import io.pganalytics.common.keys.KeyStatus;
import io.pganalytics.common.keys.ProtectedItemView;
import io.pganalytics.common.keys.RewrapView;
import io.pganalytics.common.keys.RotateRequest;
import io.pganalytics.common.keys.RotateResult;
import io.pganalytics.common.query.ActivitySnapshot;
import io.pganalytics.common.query.IndexPage;
import io.pganalytics.common.query.InstanceDetail;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.QueryDetail;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.common.query.TablePage;
import io.pganalytics.common.query.TopQueries;
import io.pganalytics.common.query.WaitEvents;
import io.pganalytics.common.audit.AuditPage;
import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.common.audit.ConfirmationRequired;
import io.pganalytics.console.api.AdminApi;
import io.pganalytics.console.api.AuditApi;
import io.pganalytics.console.api.AuditQuery;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.EnrolmentResult;
import io.pganalytics.common.auth.IdentityProviderRequest;
import io.pganalytics.common.auth.IdentityProviderView;
import io.pganalytics.common.auth.ProviderTestResult;
import io.pganalytics.common.auth.RoleMappingView;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.console.api.SignIn;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;
import io.pganalytics.console.api.ServerAddress;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** A {@link ConsoleApi} that answers what a test gives it (STYLE.md allows a fake of the console's client in view-model tests). */
public final class FakeConsoleApi implements ConsoleApi, AdminApi, AuditApi {
    public String password = "right";
    public ApiException failure;
    public List<InstanceArchiving> archiving = List.of();
    public InstancePage instances = new InstancePage(List.of(), 0, 0, 500, java.util.Map.of(), Instant.now());
    public TopQueries top;
    public final List<String> calls = new ArrayList<>();
    public LiveListener live;
    public List<ProviderSummary> providers = List.of(ProviderSummary.local());
    /** When set, a right password answers this challenge instead of signing in. */
    public MfaChallenge challenge;
    public String totpCode = "123456";
    /** How many admin changes are refused with step_up_required before one goes through. */
    public int stepUpsRequired;
    /** What {@link #keys()} answers; a rotation makes a new current data key, a retire of a key with values is refused. */
    public KeyStatus keys = keyStatus(true, 1, 1, 40, new RewrapView("idle", null, null, null, 0, 0, 0, null, null));
    /** Re-wrap states {@link #keys()} answers in turn before staying at the last; empty keeps {@link #keys}'s own. */
    public final java.util.Deque<RewrapView> rewraps = new java.util.ArrayDeque<>();
    /** How many admin changes are answered 428 confirmation_required (until repeated with the token) before one goes through. */
    public int confirmationsRequired;
    /** What the confirmations asked for name and say. */
    public String confirmationAction = "user.delete";
    public String confirmationSummary = "Delete user 43: their account goes and every session they have ends.";
    /** Whether the confirmations asked for want a fresh second factor too. */
    public boolean confirmationNeedsSecondFactor;
    /** The audit records {@link #search} pages through (any order; pages come newest first). */
    public final List<AuditRecordView> audit = new ArrayList<>();
    public AuditVerification verification = new AuditVerification(true, 1, 1, 1, null, null, "intact", 0, null, Instant.now(), 1);
    /** The queries {@link #search} was asked, as "before/after query". */
    public final List<String> searches = new ArrayList<>();
    /** The backup calls: on the session and, through {@link #admin()}, carrying a confirmation token. */
    public final FakeBackupsApi backups = new FakeBackupsApi(this::guarded);
    /** The anomaly calls. */
    public final FakeAnomaliesApi anomalies = new FakeAnomaliesApi();
    /** The alerting calls. */
    public final FakeAlertsApi alerts = new FakeAlertsApi();
    /** The alerting configuration calls (deletes pass through the confirmations above). */
    public final FakeAlertingAdminApi alerting = new FakeAlertingAdminApi(this::guarded);
    private String confirmationToken;
    private String offeredToken;
    private int tokens;
    private UserView user;

    @Override
    public ServerAddress address() {
        return ServerAddress.parse("https://pga.example.com:8443");
    }

    @Override
    public UserView login(String username, String password) {
        calls.add("login " + username);
        fail();
        if (!this.password.equals(password)) {
            throw new ApiException(ApiException.Kind.REJECTED, "The user name or password is wrong.", null, null);
        }
        user = new UserView(1, username, username, Set.of(Role.VIEWER), "local", true, Instant.now(), Instant.now());
        return user;
    }

    @Override
    public List<ProviderSummary> providers() {
        calls.add("providers");
        fail();
        return providers;
    }

    @Override
    public SignIn signIn(String username, String password, String provider) {
        calls.add("signIn " + username + " " + provider);
        fail();
        if (!this.password.equals(password)) {
            throw new ApiException(ApiException.Kind.REJECTED, "The user name or password is wrong.", null, null);
        }
        if (challenge != null) {
            return SignIn.challenged(challenge);
        }
        return SignIn.signedIn(login(username, password));
    }

    @Override
    public URI singleSignOnStart(String provider, URI redirectUri, String state, String codeChallenge) {
        return URI.create("https://pga.example.com:8443/api/v1/auth/sso/" + provider + "/start");
    }

    @Override
    public SignIn exchangeSingleSignOnCode(String code, String codeVerifier, URI redirectUri) {
        throw new ApiException(ApiException.Kind.REJECTED, "Not in this fake.", null, null);
    }

    @Override
    public SignIn verifyMfa(String challenge, String method, String code) {
        calls.add("verify " + method + " " + code);
        fail();
        if (!totpCode.equals(code)) {
            throw new ApiException(ApiException.Kind.REJECTED, "The code is wrong.", null, null);
        }
        user = new UserView(1, "dba", "dba", Set.of(Role.VIEWER), "local", true, Instant.now(), Instant.now());
        return SignIn.signedIn(user);
    }

    @Override
    public MfaTotpEnrolment startTotp(String challenge) {
        calls.add("startTotp " + challenge);
        fail();
        return new MfaTotpEnrolment("e1", "JBSWY3DPEHPK3PXP", "otpauth://totp/pgAnalytics:dba?secret=JBSWY3DPEHPK3PXP&issuer=pgAnalytics",
                Instant.now().plusSeconds(600));
    }

    @Override
    public EnrolmentResult confirmTotp(String enrolmentId, String code, String challenge) {
        calls.add("confirmTotp " + enrolmentId + " " + code);
        fail();
        if (!totpCode.equals(code)) {
            throw new ApiException(ApiException.Kind.REJECTED, "The code is wrong.", null, null);
        }
        return new EnrolmentResult(List.of("aaaa-1111", "bbbb-2222"), null);
    }

    @Override
    public void stepUp(String method, String code) {
        calls.add("stepUp " + method + " " + code);
        if (!totpCode.equals(code)) {
            throw new ApiException(ApiException.Kind.REJECTED, "The code is wrong.", null, null);
        }
    }

    @Override
    public AdminApi admin() {
        offeredToken = null;
        return this;
    }

    @Override
    public AdminApi confirmed(String token) {
        calls.add("confirmed " + token);
        offeredToken = token;
        return this;
    }

    @Override
    public void deleteUser(long id) {
        calls.add("deleteUser " + id);
        guarded();
    }

    @Override
    public AuditApi audit() {
        return this;
    }

    @Override
    public io.pganalytics.console.api.BackupsApi backups() {
        return backups;
    }

    @Override
    public io.pganalytics.console.api.AnomaliesApi anomalies() {
        return anomalies;
    }

    @Override
    public io.pganalytics.console.api.AlertsApi alerts() {
        return alerts;
    }

    @Override
    public io.pganalytics.console.api.AlertingAdminApi alertingAdmin() {
        return alerting;
    }

    @Override
    public io.pganalytics.console.api.AlertingAdminApi alerting() {
        return alerting;
    }

    @Override
    public AuditPage search(AuditQuery query, Long beforeSeq, Long afterSeq, int limit) {
        searches.add(beforeSeq + "/" + afterSeq + " " + query.parameters());
        fail();
        List<AuditRecordView> matching = audit.stream()
                .filter(r -> beforeSeq == null || r.seq() < beforeSeq).filter(r -> afterSeq == null || r.seq() > afterSeq)
                .filter(r -> query.action() == null || r.action().equals(query.action()))
                .filter(r -> query.category() == null || r.category().equals(query.category()))
                .sorted(java.util.Comparator.comparingLong(AuditRecordView::seq).reversed()).toList();
        List<AuditRecordView> page = matching.subList(0, Math.min(limit, matching.size()));
        long head = audit.stream().mapToLong(AuditRecordView::seq).max().orElse(0);
        Long next = matching.size() > limit ? page.getLast().seq() : null;
        return new AuditPage(page, next, head);
    }

    @Override
    public AuditVerification verify() {
        calls.add("verify");
        fail();
        return verification;
    }

    @Override
    public long export(Instant from, Instant to, String format, java.nio.file.Path file) {
        calls.add("export " + format + " " + file.getFileName());
        fail();
        try {
            byte[] bytes = audit.stream().map(r -> r.seq() + " " + r.action()).collect(java.util.stream.Collectors.joining("\n", "", "\n"))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.nio.file.Files.write(file, bytes);
            return bytes.length;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public UserPage users(int offset, int limit) {
        calls.add("users");
        return new UserPage(List.of(), 0, offset, limit);
    }

    @Override
    public UserView createUser(CreateUserRequest request) {
        calls.add("createUser " + request.username());
        guarded();
        return new UserView(2, request.username(), request.displayName(), request.roles(), "local", true, Instant.now(), null);
    }

    @Override
    public UserView updateUser(long id, UpdateUserRequest request) {
        calls.add("updateUser " + id);
        guarded();
        return new UserView(id, "u" + id, null, Set.of(Role.VIEWER), "local", !Boolean.FALSE.equals(request.enabled()), Instant.now(), null);
    }

    @Override
    public void resetMfa(long id) {
        calls.add("resetMfa " + id);
        guarded();
    }

    @Override
    public List<IdentityProviderView> identityProviders() {
        calls.add("identityProviders");
        return List.of();
    }

    @Override
    public IdentityProviderView createIdentityProvider(IdentityProviderRequest request) {
        calls.add("createIdentityProvider " + request.name());
        guarded();
        return new IdentityProviderView(request.name(), request.kind(), request.displayName(), request.enabled(), "api",
                request.settings(), List.of(), request.roleMapping(), Instant.now(), Instant.now(), 1);
    }

    @Override
    public IdentityProviderView updateIdentityProvider(String name, IdentityProviderRequest request) {
        return createIdentityProvider(request);
    }

    @Override
    public void deleteIdentityProvider(String name) {
        calls.add("deleteIdentityProvider " + name);
        guarded();
    }

    @Override
    public ProviderTestResult testIdentityProvider(String name) {
        return new ProviderTestResult(true, "reached " + name);
    }

    @Override
    public KeyStatus keys() {
        calls.add("keys");
        fail();
        if (rewraps.size() > 1) {
            keys = withRewrap(keys, rewraps.removeFirst());
        } else if (rewraps.size() == 1) {
            keys = withRewrap(keys, rewraps.getFirst());
        }
        return keys;
    }

    @Override
    public RotateResult rotateKeys(RotateRequest request) {
        calls.add("rotateKeys " + request.newKekVersion());
        guarded();
        boolean newVersion = Boolean.TRUE.equals(request.newKekVersion());
        int kek = keys.currentKekVersion() + (newVersion ? 1 : 0);
        int dataKey = keys.currentDataKey() + 1;
        RewrapView rewrap = new RewrapView("running", dataKey, Instant.now(), null, 0, 40, 0, "node-a", null);
        keys = keyStatus(keys.provider().canManage(), dataKey, kek, 40, rewrap);
        return new RotateResult(dataKey, kek, newVersion, rewrap);
    }

    @Override
    public RewrapView startRewrap() {
        calls.add("startRewrap");
        guarded();
        return new RewrapView("running", keys.currentDataKey(), Instant.now(), null, 0, 40, 0, "node-a", null);
    }

    @Override
    public void retireDataKey(int id) {
        calls.add("retireDataKey " + id);
        guarded();
        DataKeyView key = keys.dataKeys().stream().filter(k -> k.id() == id).findFirst().orElseThrow();
        if (key.records() > 0 || "current".equals(key.state())) {
            throw ApiException.rejected(new ApiError(409, ErrorType.CONFLICT, "data key " + id + " is still in use",
                    List.of(new ErrorDetail("auth_signing_key.private_key", key.records() + " values"))));
        }
    }

    @Override
    public void retireKekVersion(int version) {
        calls.add("retireKekVersion " + version);
        guarded();
        throw ApiException.rejected(ApiError.of(ErrorType.FORBIDDEN, "the key store is read-only"));
    }

    /** Data keys 1..current (the older ones under version 1), every value under the current one but 10. */
    public static KeyStatus keyStatus(boolean canManage, int currentDataKey, int currentKek, long values, RewrapView rewrap) {
        List<KekVersionView> versions = new ArrayList<>();
        for (int v = 1; v <= currentKek; v++) {
            versions.add(new KekVersionView(v, v == currentKek, v == currentKek ? 1 : v == 1 ? currentDataKey - 1 : 0));
        }
        List<DataKeyView> dataKeys = new ArrayList<>();
        for (int id = currentDataKey; id >= 1; id--) {
            boolean current = id == currentDataKey;
            dataKeys.add(new DataKeyView(id, current ? "current" : "active", current ? currentKek : 1, Instant.parse("2026-12-01T10:00:00Z"),
                    "admin", null, current ? values - (currentDataKey > 1 ? 10 : 0) : id == currentDataKey - 1 ? 10 : 0));
        }
        return new KeyStatus(new KeyProviderView("keystore", "/var/lib/pganalytics/keys/kek.p12", canManage), currentDataKey, currentKek,
                versions, dataKeys, List.of(new ProtectedItemView("token-signing private keys", "auth_signing_key.private_key", values,
                currentDataKey > 1 ? 10 : 0)), rewrap);
    }

    private static KeyStatus withRewrap(KeyStatus keys, RewrapView rewrap) {
        return new KeyStatus(keys.provider(), keys.currentDataKey(), keys.currentKekVersion(), keys.kekVersions(), keys.dataKeys(),
                keys.protectedItems(), rewrap);
    }

    public final List<io.pganalytics.common.collectors.CollectorView> collectors = new ArrayList<>();
    public final List<io.pganalytics.common.collectors.RegistrationTokenView> registrationTokens = new ArrayList<>();

    @Override
    public io.pganalytics.common.collectors.CollectorPage collectors(int offset, int limit) {
        calls.add("collectors");
        fail();
        return new io.pganalytics.common.collectors.CollectorPage(List.copyOf(collectors), collectors.size(), offset, limit);
    }

    @Override
    public void revokeCollector(String id) {
        calls.add("revokeCollector " + id + " " + offeredToken);
        guarded();
        collectors.removeIf(c -> c.id().equals(id));
    }

    @Override
    public io.pganalytics.common.collectors.RegistrationTokenPage registrationTokens(int offset, int limit) {
        calls.add("registrationTokens");
        fail();
        return new io.pganalytics.common.collectors.RegistrationTokenPage(List.copyOf(registrationTokens), registrationTokens.size(), offset, limit);
    }

    @Override
    public io.pganalytics.common.collectors.RegistrationTokenCreated createRegistrationToken(
            io.pganalytics.common.collectors.CreateRegistrationTokenRequest request) {
        calls.add("createRegistrationToken " + request.note() + " " + request.expiresInSeconds() + " uses " + request.maxUses());
        guarded();
        long id = registrationTokens.size() + 1;
        Instant expires = Instant.parse("2026-12-08T10:00:00Z");
        int maxUses = request.maxUses() == null ? 1 : request.maxUses();
        registrationTokens.add(0, new io.pganalytics.common.collectors.RegistrationTokenView(id, request.note(), "admin",
                Instant.parse("2026-12-07T10:00:00Z"), expires, io.pganalytics.common.collectors.RegistrationTokenState.ACTIVE,
                maxUses, maxUses, null, null, null));
        return new io.pganalytics.common.collectors.RegistrationTokenCreated(id, "pgart_secret" + id, request.note(), "admin",
                Instant.parse("2026-12-07T10:00:00Z"), expires, maxUses);
    }

    @Override
    public void revokeRegistrationToken(long id) {
        calls.add("revokeRegistrationToken " + id + " " + offeredToken);
        guarded();
        registrationTokens.replaceAll(t -> t.id() != id ? t : new io.pganalytics.common.collectors.RegistrationTokenView(t.id(), t.note(),
                t.createdBy(), t.createdAt(), t.expiresAt(), io.pganalytics.common.collectors.RegistrationTokenState.REVOKED, t.maxUses(), 0,
                null, null, Instant.now()));
    }

    /** What {@link #retention()} answers; {@link #updateRetention} changes its defaults. */
    public io.pganalytics.common.settings.RetentionSettings retention = retentionSettings("14d", "90d", "730d");
    /** When set, an update without a confirmation token is refused with this summary (428 confirmation_required). */
    public String retentionConfirmation;

    @Override
    public io.pganalytics.common.settings.RetentionSettings retention() {
        calls.add("retention");
        fail();
        return retention;
    }

    @Override
    public io.pganalytics.common.settings.RetentionSettings updateRetention(io.pganalytics.common.settings.RetentionUpdate update) {
        calls.add("updateRetention " + update.defaults() + " " + update.families() + " " + offeredToken);
        guarded();
        if (retentionConfirmation != null && offeredToken == null) {
            throw ApiException.rejected(new ApiError(428, ErrorType.CONFIRMATION_REQUIRED, "confirm it", List.of(),
                    new io.pganalytics.common.audit.ConfirmationRequired("token-1", "settings.retention.update", retentionConfirmation,
                            Instant.now().plusSeconds(300), false)));
        }
        io.pganalytics.common.settings.RetentionLevels d = update.defaults();
        retention = retentionSettings(d != null && d.raw() != null ? d.raw() : retention.defaults().raw().value(),
                d != null && d.minute() != null ? d.minute() : retention.defaults().minute().value(),
                d != null && d.hour() != null ? d.hour() : retention.defaults().hour().value());
        return retention;
    }

    /** Retention with these defaults from the configuration, every family following them. */
    public static io.pganalytics.common.settings.RetentionSettings retentionSettings(String raw, String minute, String hour) {
        java.util.function.BiFunction<String, String, io.pganalytics.common.settings.RetentionValue> value = (text, source) ->
                new io.pganalytics.common.settings.RetentionValue(text, io.pganalytics.common.units.Durations.parse(text).toSeconds(), source,
                        null, null);
        io.pganalytics.common.settings.RetentionValues defaults = new io.pganalytics.common.settings.RetentionValues(
                value.apply(raw, "configuration"), value.apply(minute, "configuration"), value.apply(hour, "configuration"));
        return new io.pganalytics.common.settings.RetentionSettings(defaults, java.util.Map.of(
                "database", new io.pganalytics.common.settings.RetentionValues(value.apply(raw, "defaults"), value.apply(minute, "defaults"),
                        value.apply(hour, "defaults")),
                "settings", new io.pganalytics.common.settings.RetentionValues(value.apply(raw, "defaults"), null, null)));
    }

    /**
     * An admin change: answered 428 with a new token while {@link #confirmationsRequired} is positive and the call does
     * not carry the last token given; refused with step_up_required while {@link #stepUpsRequired} is positive.
     */
    private void guarded() {
        fail();
        if (confirmationsRequired > 0 && (offeredToken == null || !offeredToken.equals(confirmationToken))) {
            confirmationToken = "token-" + ++tokens;
            throw ApiException.rejected(new ApiError(428, ErrorType.CONFIRMATION_REQUIRED, "confirm this change", List.of(),
                    new ConfirmationRequired(confirmationToken, confirmationAction, confirmationSummary,
                            Instant.now().plusSeconds(120), confirmationNeedsSecondFactor)));
        }
        if (confirmationsRequired > 0) {
            confirmationsRequired--;
            confirmationToken = null;
        }
        if (stepUpsRequired > 0) {
            stepUpsRequired--;
            throw ApiException.rejected(ApiError.of(ErrorType.STEP_UP_REQUIRED, "this change needs a fresh second factor"));
        }
    }

    @Override
    public Optional<UserView> resume() {
        return Optional.empty();
    }

    @Override
    public Optional<String> rememberedUsername() {
        return Optional.of("dba");
    }

    @Override
    public void logout() {
        user = null;
    }

    @Override
    public Optional<UserView> user() {
        return Optional.ofNullable(user);
    }

    @Override
    public void onSessionExpired(Consumer<String> listener) {
    }

    @Override
    public List<InstanceArchiving> archiving() {
        calls.add("archiving");
        fail();
        return archiving;
    }

    @Override
    public InstancePage instances(int limit) {
        calls.add("instances");
        fail();
        return instances;
    }

    @Override
    public InstanceDetail instance(long id) {
        fail();
        throw new ApiException(ApiException.Kind.REJECTED, "Not in this fake.", null, null);
    }

    @Override
    public SeriesResponse series(long id, String metric, Instant from, Instant to) {
        fail();
        return new SeriesResponse(id, metric, "1/s", "", "raw", 60, from, to, List.of());
    }

    @Override
    public TopQueries topQueries(long id, Instant from, Instant to, String orderBy, int limit) {
        calls.add("top " + orderBy);
        fail();
        return top;
    }

    @Override
    public QueryDetail query(long id, long queryid, Instant from, Instant to) {
        fail();
        return new QueryDetail(id, queryid, null, "shop", "SELECT full_text FROM t WHERE id = $1", from, to, "raw", 60, null, List.of());
    }

    @Override
    public WaitEvents waits(long id, Instant from, Instant to, int limit) {
        fail();
        return new WaitEvents(id, from, to, "raw", 0, List.of());
    }

    @Override
    public TablePage tables(long id, Instant from, Instant to, int limit) {
        fail();
        return new TablePage(id, from, to, "raw", "total_bytes", 0, 0, limit, List.of());
    }

    @Override
    public IndexPage indexes(long id, Instant from, Instant to, int limit) {
        fail();
        return new IndexPage(id, from, to, "raw", "size_bytes", 0, 0, limit, List.of());
    }

    @Override
    public ActivitySnapshot activity(long id) {
        fail();
        return null;
    }

    @Override
    public LiveSubscription live(long id, LiveListener listener) {
        live = listener;
        return () -> live = null;
    }

    @Override
    public void close() {
    }

    private void fail() {
        if (failure != null) {
            throw failure;
        }
    }
}

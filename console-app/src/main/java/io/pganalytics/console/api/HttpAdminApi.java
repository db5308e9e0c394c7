package io.pganalytics.console.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.IdentityProviderRequest;
import io.pganalytics.common.auth.IdentityProviderView;
import io.pganalytics.common.auth.ProviderTestResult;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.common.auth.UserPage;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.common.keys.KeyStatus;
import io.pganalytics.common.keys.RewrapView;
import io.pganalytics.common.keys.RotateRequest;
import io.pganalytics.common.keys.RotateResult;
import io.pganalytics.common.collectors.CollectorPage;
import io.pganalytics.common.collectors.CreateRegistrationTokenRequest;
import io.pganalytics.common.collectors.RegistrationTokenCreated;
import io.pganalytics.common.collectors.RegistrationTokenPage;
import io.pganalytics.common.settings.RetentionSettings;
import io.pganalytics.common.settings.RetentionUpdate;

import java.util.List;
import java.util.Map;

/**
 * {@link AdminApi} over the session of an {@link HttpConsoleApi}: the same tokens, refresh and errors; with a
 * confirmation token, every call carries it in {@value #CONFIRMATION_HEADER}.
 */
final class HttpAdminApi implements AdminApi {
    static final String CONFIRMATION_HEADER = "X-Confirmation";

    private final HttpConsoleApi api;
    private final Map<String, String> headers;

    HttpAdminApi(HttpConsoleApi api) {
        this(api, Map.of());
    }

    private HttpAdminApi(HttpConsoleApi api, Map<String, String> headers) {
        this.api = api;
        this.headers = headers;
    }

    @Override
    public AdminApi confirmed(String token) {
        if (token == null || token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("a confirmation token is printable ASCII without spaces");
        }
        return new HttpAdminApi(api, Map.of(CONFIRMATION_HEADER, token));
    }

    @Override
    public UserPage users(int offset, int limit) {
        return api.get("/users?offset=" + offset + "&limit=" + limit, UserPage.class);
    }

    @Override
    public UserView createUser(CreateUserRequest request) {
        return api.decode(call("POST", "/users", request, true), UserView.class);
    }

    @Override
    public UserView updateUser(long id, UpdateUserRequest request) {
        return api.decode(call("PATCH", "/users/" + id, request, true), UserView.class);
    }

    @Override
    public void deleteUser(long id) {
        api.expectSuccess(call("DELETE", "/users/" + id, null, true));
    }

    @Override
    public void resetMfa(long id) {
        api.expectSuccess(call("DELETE", "/admin/users/" + id + "/mfa", null, true));
    }

    @Override
    public List<IdentityProviderView> identityProviders() {
        return api.decode(call("GET", "/admin/identity-providers", null, true), new TypeReference<List<IdentityProviderView>>() { });
    }

    @Override
    public IdentityProviderView createIdentityProvider(IdentityProviderRequest request) {
        return api.decode(call("POST", "/admin/identity-providers", request, true), IdentityProviderView.class);
    }

    @Override
    public IdentityProviderView updateIdentityProvider(String name, IdentityProviderRequest request) {
        return api.decode(call("PUT", "/admin/identity-providers/" + HttpConsoleApi.encode(name), request, true), IdentityProviderView.class);
    }

    @Override
    public void deleteIdentityProvider(String name) {
        api.expectSuccess(call("DELETE", "/admin/identity-providers/" + HttpConsoleApi.encode(name), null, true));
    }

    @Override
    public ProviderTestResult testIdentityProvider(String name) {
        return api.decode(call("POST", "/admin/identity-providers/" + HttpConsoleApi.encode(name) + "/test", null, true),
                ProviderTestResult.class);
    }

    @Override
    public KeyStatus keys() {
        return api.decode(call("GET", "/admin/keys", null, true), KeyStatus.class);
    }

    @Override
    public RotateResult rotateKeys(RotateRequest request) {
        return api.decode(call("POST", "/admin/keys/rotate", request, true), RotateResult.class);
    }

    @Override
    public RewrapView startRewrap() {
        return api.decode(call("POST", "/admin/keys/rewrap", null, true), RewrapView.class);
    }

    @Override
    public void retireDataKey(int id) {
        api.expectSuccess(call("POST", "/admin/keys/data-keys/" + id + "/retire", null, true));
    }

    @Override
    public void retireKekVersion(int version) {
        api.expectSuccess(call("POST", "/admin/keys/kek-versions/" + version + "/retire", null, true));
    }

    private java.net.http.HttpResponse<String> call(String method, String path, Object body, boolean refreshOn401) {
        return api.authenticated(method, path, body, refreshOn401, headers);
    }

    @Override
    public RetentionSettings retention() {
        return api.decode(call("GET", "/admin/settings/retention", null, true), RetentionSettings.class);
    }

    @Override
    public RetentionSettings updateRetention(RetentionUpdate update) {
        return api.decode(call("PUT", "/admin/settings/retention", update, true), RetentionSettings.class);
    }

    @Override
    public CollectorPage collectors(int offset, int limit) {
        return api.decode(call("GET", "/collectors?offset=" + offset + "&limit=" + limit, null, true), CollectorPage.class);
    }

    @Override
    public void revokeCollector(String id) {
        api.expectSuccess(call("DELETE", "/collectors/" + HttpConsoleApi.encode(id), null, true));
    }

    @Override
    public RegistrationTokenPage registrationTokens(int offset, int limit) {
        return api.decode(call("GET", "/collectors/registration-tokens?offset=" + offset + "&limit=" + limit, null, true),
                RegistrationTokenPage.class);
    }

    @Override
    public RegistrationTokenCreated createRegistrationToken(CreateRegistrationTokenRequest request) {
        return api.decode(call("POST", "/collectors/registration-tokens", request, true), RegistrationTokenCreated.class);
    }

    @Override
    public void revokeRegistrationToken(long id) {
        api.expectSuccess(call("DELETE", "/collectors/registration-tokens/" + id, null, true));
    }

    @Override
    public BackupsApi backups() {
        return new HttpBackupsApi(api, headers);
    }

    @Override
    public AlertingAdminApi alerting() {
        return new HttpAlertingAdminApi(api, headers);
    }
}

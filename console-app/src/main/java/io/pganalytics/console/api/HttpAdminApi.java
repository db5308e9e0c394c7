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

/** {@link AdminApi} over the session of an {@link HttpConsoleApi}: the same tokens, refresh and errors. */
final class HttpAdminApi implements AdminApi {
    private final HttpConsoleApi api;

    HttpAdminApi(HttpConsoleApi api) {
        this.api = api;
    }

    @Override
    public UserPage users(int offset, int limit) {
        return api.get("/users?offset=" + offset + "&limit=" + limit, UserPage.class);
    }

    @Override
    public UserView createUser(CreateUserRequest request) {
        return api.decode(api.authenticated("POST", "/users", request, true), UserView.class);
    }

    @Override
    public UserView updateUser(long id, UpdateUserRequest request) {
        return api.decode(api.authenticated("PATCH", "/users/" + id, request, true), UserView.class);
    }

    @Override
    public void resetMfa(long id) {
        api.expectSuccess(api.authenticated("DELETE", "/admin/users/" + id + "/mfa", null, true));
    }

    @Override
    public List<IdentityProviderView> identityProviders() {
        return api.decode(api.authenticated("GET", "/admin/identity-providers", null, true), new TypeReference<List<IdentityProviderView>>() { });
    }

    @Override
    public IdentityProviderView createIdentityProvider(IdentityProviderRequest request) {
        return api.decode(api.authenticated("POST", "/admin/identity-providers", request, true), IdentityProviderView.class);
    }

    @Override
    public IdentityProviderView updateIdentityProvider(String name, IdentityProviderRequest request) {
        return api.decode(api.authenticated("PUT", "/admin/identity-providers/" + HttpConsoleApi.encode(name), request, true), IdentityProviderView.class);
    }

    @Override
    public void deleteIdentityProvider(String name) {
        api.expectSuccess(api.authenticated("DELETE", "/admin/identity-providers/" + HttpConsoleApi.encode(name), null, true));
    }

    @Override
    public ProviderTestResult testIdentityProvider(String name) {
        return api.decode(api.authenticated("POST", "/admin/identity-providers/" + HttpConsoleApi.encode(name) + "/test", null, true),
                ProviderTestResult.class);
    }

    @Override
    public KeyStatus keys() {
        return api.decode(api.authenticated("GET", "/admin/keys", null, true), KeyStatus.class);
    }

    @Override
    public RotateResult rotateKeys(RotateRequest request) {
        return api.decode(api.authenticated("POST", "/admin/keys/rotate", request, true), RotateResult.class);
    }

    @Override
    public RewrapView startRewrap() {
        return api.decode(api.authenticated("POST", "/admin/keys/rewrap", null, true), RewrapView.class);
    }

    @Override
    public void retireDataKey(int id) {
        api.expectSuccess(api.authenticated("POST", "/admin/keys/data-keys/" + id + "/retire", null, true));
    }

    @Override
    public void retireKekVersion(int version) {
        api.expectSuccess(api.authenticated("POST", "/admin/keys/kek-versions/" + version + "/retire", null, true));
    }

    @Override
    public RetentionSettings retention() {
        return api.decode(api.authenticated("GET", "/admin/settings/retention", null, true), RetentionSettings.class);
    }

    @Override
    public RetentionSettings updateRetention(RetentionUpdate update, String confirmation) {
        return api.decode(api.authenticated("PUT", "/admin/settings/retention", update, true,
                confirmationHeader(confirmation)), RetentionSettings.class);
    }

    @Override
    public CollectorPage collectors(int offset, int limit) {
        return api.decode(api.authenticated("GET", "/collectors?offset=" + offset + "&limit=" + limit, null, true), CollectorPage.class);
    }

    @Override
    public void revokeCollector(String id, String confirmation) {
        api.expectSuccess(api.authenticated("DELETE", "/collectors/" + HttpConsoleApi.encode(id), null, true, confirmationHeader(confirmation)));
    }

    @Override
    public RegistrationTokenPage registrationTokens(int offset, int limit) {
        return api.decode(api.authenticated("GET", "/collectors/registration-tokens?offset=" + offset + "&limit=" + limit, null, true),
                RegistrationTokenPage.class);
    }

    @Override
    public RegistrationTokenCreated createRegistrationToken(CreateRegistrationTokenRequest request) {
        return api.decode(api.authenticated("POST", "/collectors/registration-tokens", request, true), RegistrationTokenCreated.class);
    }

    @Override
    public void revokeRegistrationToken(long id, String confirmation) {
        api.expectSuccess(api.authenticated("DELETE", "/collectors/registration-tokens/" + id, null, true, confirmationHeader(confirmation)));
    }

    private static java.util.Map<String, String> confirmationHeader(String confirmation) {
        return confirmation == null ? java.util.Map.of() : java.util.Map.of(HttpConsoleApi.CONFIRMATION_HEADER, confirmation);
    }
}

package io.pganalytics.console.api;

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

/**
 * The administration calls of one signed-in admin's session ({@link ConsoleApi#admin()}). Every method blocks and fails
 * with an {@link ApiException}; a change the server wants a fresh second factor for fails with
 * {@link ApiException#stepUpRequired()}, and one it wants the person to confirm first fails with
 * {@link ApiException#confirmation()}: the same call through {@link #confirmed(String)} then carries the token.
 */
public interface AdminApi {
    /** The same calls, each carrying {@code X-Confirmation: token} (the token of a 428 the person confirmed). */
    AdminApi confirmed(String token);

    UserPage users(int offset, int limit);

    UserView createUser(CreateUserRequest request);

    UserView updateUser(long id, UpdateUserRequest request);

    /** Deletes a user: their account, identities and sessions. */
    void deleteUser(long id);

    /** Removes every second factor of a user, who enrols again at the next sign-in if the policy says so. */
    void resetMfa(long id);

    List<IdentityProviderView> identityProviders();

    IdentityProviderView createIdentityProvider(IdentityProviderRequest request);

    IdentityProviderView updateIdentityProvider(String name, IdentityProviderRequest request);

    void deleteIdentityProvider(String name);

    /** Asks the server to reach the provider (directory bind, discovery, metadata) and say what it found. */
    ProviderTestResult testIdentityProvider(String name);

    /** The key-encryption key's provider and versions, the data keys, what is sealed under each, and the re-wrap job. */
    KeyStatus keys();

    /** Makes a new data key current on every node (and a new key-encryption key version first, when asked) and starts a re-wrap. */
    RotateResult rotateKeys(RotateRequest request);

    /** Starts (or resumes) re-sealing the values under older data keys with the current one. */
    RewrapView startRewrap();

    /** Erases a data key the server finds unused; refused (conflict) while anything is still sealed under it. */
    void retireDataKey(int id);

    /** Destroys a key-encryption key version; refused (conflict) while a data key is wrapped by it, or it is the newest. */
    void retireKekVersion(int version);

    /** The retention the next retention run applies on every node, and where each value comes from. */
    RetentionSettings retention();

    /**
     * Changes retention at runtime. A change that shortens any retention fails first with
     * {@code confirmation_required} (its envelope's {@code confirmation} says what will be deleted): repeat it through
     * {@link #confirmed(String)}.
     */
    RetentionSettings updateRetention(RetentionUpdate update);

    /** The registered collectors (revoked ones are not listed). */
    CollectorPage collectors(int offset, int limit);

    /** Revokes a collector: its credential is refused on every node at once (the server asks for a confirmation). */
    void revokeCollector(String id);

    /** Registration tokens, newest first, never their secrets. */
    RegistrationTokenPage registrationTokens(int offset, int limit);

    /** A new one-time registration token: its secret is in this answer only. */
    RegistrationTokenCreated createRegistrationToken(CreateRegistrationTokenRequest request);

    /** Revokes a registration token not used yet. */
    void revokeRegistrationToken(long id);

    /** The backup calls on this session, carrying this one's confirmation token if it has one (a restore, lowering retention). */
    BackupsApi backups();

    /** The alerting configuration calls on this session, carrying this one's confirmation token if it has one (deletes). */
    AlertingAdminApi alerting();
}

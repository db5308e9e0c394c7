package io.pganalytics.server.auth;

import io.ebean.Database;
import io.ebean.DuplicateKeyException;
import io.ebean.Transaction;
import io.pganalytics.common.auth.TokenResponse;
import io.pganalytics.server.auth.provider.BrowserProvider;
import io.pganalytics.server.auth.provider.IdentityProvider;
import io.pganalytics.server.auth.provider.IdentityProviders;
import io.pganalytics.server.auth.provider.PasswordProvider;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where a person an identity provider vouched for becomes a local user and gets a session: the end of every LDAP,
 * OpenID Connect and SAML sign-in. The user is found by the provider's stable id for the person ({@code source} =
 * the provider's name, {@code external_subject}), or created on first sign-in. A user name already taken by a user
 * of another source (or of the same provider with another subject) is refused, never merged: merging would let a
 * provider that reports someone else's name take over that account. Roles always follow the provider; when they
 * shrink, the user's other sessions end at once.
 */
public final class SignIns {
    static final int MAX_SUBJECT = 512;
    static final int MAX_EMAIL = 320;
    private static final Logger LOG = LoggerFactory.getLogger(SignIns.class);

    private final Database database;
    private final UserRepository users;
    private final AuthService auth;
    private final IdentityProviders providers;
    private final Clock clock;
    private final AuthEvents events;

    SignIns(Database database, AuthService auth, IdentityProviders providers, Clock clock, AuthEvents events) {
        this.events = events;
        this.database = database;
        this.users = new UserRepository(database);
        this.auth = auth;
        this.providers = providers;
        this.clock = clock;
    }

    /**
     * Signs in a person an enabled identity provider vouched for: finds or creates their local user, brings its roles,
     * display name and e-mail up to date, and opens a session ({@link AuthService#openSession}).
     *
     * @throws ApiException 401 when the provider is not (or no longer) enabled, the user is disabled here, or the
     *                      provider's user name is not valid here; 409 when the user name belongs to another user
     */
    public TokenResponse signIn(ExternalIdentity identity, String clientAddress) {
        IdentityProvider provider = providers.enabled(identity.provider()).orElse(null);
        if (provider == null) {
            events.anonymous("auth.login", io.pganalytics.server.audit.AuditEvent.Outcome.FAILURE, java.util.Map.of("provider",
                    identity.provider(), "reason", "the identity provider is not enabled on this server"));
            throw ApiException.unauthenticated("identity provider '" + identity.provider() + "' is not enabled on this server");
        }
        DUser user;
        try {
            user = upsert(identity);
        } catch (ApiException e) {
            // the messages name the person: the record says what kind of refusal it was, the person's name stays out of it
            events.anonymous("auth.login", io.pganalytics.server.audit.AuditEvent.Outcome.FAILURE, java.util.Map.of(
                    "method", provider.definition().kind(), "provider", identity.provider(),
                    "reason", "the vouched-for person cannot sign in here (" + e.type().wireName() + ")"));
            throw e;
        }
        Set<String> methods = new HashSet<>(identity.authMethods());
        if (provider instanceof PasswordProvider) {
            methods.add(AuthMethods.PASSWORD);
        }
        if (provider instanceof BrowserProvider) {
            methods.add(AuthMethods.FEDERATED);
        }
        return auth.openSession(user, Set.copyOf(methods), clientAddress);
    }

    private DUser upsert(ExternalIdentity identity) {
        if (!Users.isValidUsername(identity.username())) {
            LOG.info("sign-in: identity provider {} gave a user name that is not valid here; refused", identity.provider());
            throw ApiException.unauthenticated("identity provider '" + identity.provider() + "' gave a user name that is not valid here "
                    + "(3 to 64 characters among letters, digits and . _ @ -): ask an admin to change the provider's user-name setting");
        }
        if (identity.subject().isEmpty() || identity.subject().length() > MAX_SUBJECT) {
            throw ApiException.unauthenticated("identity provider '" + identity.provider() + "' gave no usable subject for the user");
        }
        try {
            return upsertOnce(identity);
        } catch (DuplicateKeyException e) {
            // Two first sign-ins of one person at once (on two nodes): the other one created the user; use it.
            return upsertOnce(identity);
        }
    }

    private DUser upsertOnce(ExternalIdentity identity) {
        Instant now = clock.instant();
        try (Transaction tx = database.beginTransaction()) {
            Optional<DUser> found = users.findExternal(identity.provider(), identity.subject());
            DUser user;
            if (found.isEmpty()) {
                refuseClash(identity, users.findByUsername(identity.username()));
                user = new DUser();
                user.setUsername(identity.username());
                user.setSource(identity.provider());
                user.setExternalSubject(identity.subject());
                user.setCreatedAt(now);
                apply(user, identity, now);
                users.insert(user);
                LOG.info("sign-in: created user {} ({}) for identity provider {} with roles {}", user.getId(), user.getUsername(),
                        identity.provider(), user.getRoles());
            } else {
                DUser existing = found.get();
                user = existing;
                if (!user.isEnabled()) {
                    LOG.info("sign-in: user {} ({}) of identity provider {} is disabled; refused", user.getId(), user.getUsername(),
                            identity.provider());
                    throw ApiException.unauthenticated("user '" + user.getUsername() + "' is disabled on this server: ask an admin");
                }
                if (!user.getUsername().equalsIgnoreCase(identity.username())) {
                    // The provider renamed the person (same subject): follow it, unless the new name is someone else's.
                    refuseClash(identity, users.findByUsername(identity.username()).filter(other -> !other.getId().equals(existing.getId())));
                }
                user.setUsername(identity.username());
                boolean shrinks = !new HashSet<>(RoleNames.toStored(identity.roles())).containsAll(user.getRoles());
                apply(user, identity, now);
                users.update(user);
                if (shrinks) {
                    int ended = auth.revokeSessionsOf(user.getId(), "roles-changed");
                    LOG.info("sign-in: user {} ({}) of identity provider {} now has roles {}; {} session(s) ended", user.getId(),
                            user.getUsername(), identity.provider(), user.getRoles(), ended);
                }
            }
            tx.commit();
            return user;
        }
    }

    private static void refuseClash(ExternalIdentity identity, Optional<DUser> holder) {
        if (holder.isPresent()) {
            DUser other = holder.get();
            LOG.warn("sign-in: identity provider {} gave user name {}, which belongs to user {} of source {}; refused",
                    identity.provider(), identity.username(), other.getId(), other.getSource());
            throw ApiException.conflict("the user name '" + identity.username() + "' already belongs to another user ("
                    + (other.isExternal() ? "of identity provider '" + other.getSource() + "'" : "a local user")
                    + "); accounts are never merged: ask an admin to rename or delete that user");
        }
    }

    private static void apply(DUser user, ExternalIdentity identity, Instant now) {
        user.setRoles(new ArrayList<>(RoleNames.toStored(identity.roles())));
        if (identity.displayName() != null) {
            user.setDisplayName(clean(identity.displayName(), Users.MAX_DISPLAY_NAME));
        }
        if (identity.email() != null) {
            String email = clean(identity.email(), MAX_EMAIL);
            user.setEmail(email.isEmpty() ? null : email);
        }
        user.setLastSyncedAt(now);
        user.setUpdatedAt(now);
    }

    /** A provider's free text made fit to store: no control characters, at most {@code max} characters. */
    static String clean(String text, int max) {
        String kept = text.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        return kept.codePointCount(0, kept.length()) <= max ? kept : kept.substring(0, kept.offsetByCodePoints(0, max));
    }
}

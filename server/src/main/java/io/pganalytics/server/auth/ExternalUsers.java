package io.pganalytics.server.auth;

import io.ebean.Database;
import io.ebean.Transaction;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The users of identity providers, for the jobs that keep them in step with their directory (the LDAP sync): list a
 * provider's users, set their roles, disable those the directory no longer has. Each change that takes something
 * away (a role, the right to sign in) ends the user's sessions at once, on every node, as an admin's change does.
 */
public final class ExternalUsers {
    /** The most users of one provider that {@link #of} returns. */
    public static final int MAX_USERS = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(ExternalUsers.class);

    private final Database database;
    private final UserRepository users;
    private final AuthService auth;
    private final Clock clock;

    ExternalUsers(Database database, AuthService auth, Clock clock) {
        this.database = database;
        this.users = new UserRepository(database);
        this.auth = auth;
        this.clock = clock;
    }

    /**
     * A local user that an identity provider vouches for.
     *
     * @param id       the local user's id
     * @param username the user name
     * @param subject  the provider's stable id for the person (LDAP DN or objectGUID, OIDC sub, SAML NameID)
     * @param roles    the roles held now
     * @param enabled  whether the user may sign in
     */
    public record ExternalUser(long id, String username, String subject, Set<Role> roles, boolean enabled) {
    }

    /** The users of identity provider {@code provider}, by id (at most {@value #MAX_USERS}). */
    public List<ExternalUser> of(String provider) {
        Objects.requireNonNull(provider, "provider");
        return users.ofSource(provider, MAX_USERS).stream()
                .filter(DUser::isExternal)
                .map(user -> new ExternalUser(user.getId(), user.getUsername(), user.getExternalSubject(),
                        RoleNames.fromStored(user.getRoles()), user.isEnabled()))
                .toList();
    }

    /**
     * Sets the roles of an external user (what the directory's groups map to now) and records the sync. When a role is
     * taken away, the user's sessions end.
     *
     * @return whether the roles changed
     * @throws ApiException not found when there is no such external user
     */
    public boolean updateRoles(long userId, Set<Role> roles) {
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("an external user needs at least one role; disable them instead");
        }
        List<String> stored = RoleNames.toStored(roles);
        try (Transaction tx = database.beginTransaction()) {
            DUser user = external(userId);
            boolean changed = !new HashSet<>(stored).equals(new HashSet<>(user.getRoles()));
            boolean shrinks = !new HashSet<>(stored).containsAll(user.getRoles());
            Instant now = clock.instant();
            user.setRoles(new ArrayList<>(stored));
            user.setLastSyncedAt(now);
            if (changed) {
                user.setUpdatedAt(now);
            }
            users.update(user);
            int ended = shrinks ? auth.revokeSessionsOf(userId, "roles-changed") : 0;
            tx.commit();
            if (changed) {
                LOG.info("directory sync: user {} ({}) of {} now has roles {}{}", userId, user.getUsername(), user.getSource(),
                        stored, ended > 0 ? "; " + ended + " session(s) ended" : "");
            }
            return changed;
        }
    }

    /**
     * Disables an external user (gone from the directory, or no longer mapped to any role) and ends their sessions.
     *
     * @param reason a few words for the log ("not in the directory")
     * @return whether the user was enabled before
     */
    public boolean disable(long userId, String reason) {
        try (Transaction tx = database.beginTransaction()) {
            DUser user = external(userId);
            boolean wasEnabled = user.isEnabled();
            Instant now = clock.instant();
            user.setEnabled(false);
            user.setLastSyncedAt(now);
            user.setUpdatedAt(now);
            users.update(user);
            int ended = auth.revokeSessionsOf(userId, "user-disabled");
            tx.commit();
            if (wasEnabled) {
                LOG.info("directory sync: disabled user {} ({}) of {}: {}; {} session(s) ended", userId, user.getUsername(),
                        user.getSource(), reason, ended);
            }
            return wasEnabled;
        }
    }

    /** Ends the sessions of every user of {@code provider} (the provider was disabled or deleted). */
    public int endSessionsOf(String provider) {
        int ended = 0;
        try (Transaction tx = database.beginTransaction()) {
            for (long id : users.enabledIdsOfSource(provider)) {
                ended += auth.revokeSessionsOf(id, "provider-withdrawn");
            }
            tx.commit();
        }
        if (ended > 0) {
            LOG.info("identity provider {} withdrawn: {} session(s) of its users ended", provider, ended);
        }
        return ended;
    }

    private DUser external(long userId) {
        return users.findById(userId).filter(DUser::isExternal)
                .orElseThrow(() -> ApiException.notFound("no user of an identity provider with id " + userId));
    }
}

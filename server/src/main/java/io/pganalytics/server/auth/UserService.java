package io.pganalytics.server.auth;

import io.ebean.Database;
import io.ebean.DuplicateKeyException;
import io.ebean.Transaction;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.common.auth.UserPage;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditEvent.Actor;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What admins do with users. There is always at least one enabled admin: a change that would leave none is
 * refused (checked under a cluster-wide advisory lock, so two admins demoting each other at once cannot both
 * succeed), and no admin may delete, disable or demote themself. Disabling a user, removing one of their roles,
 * resetting their password or deleting them ends their sessions at once, on every node. Every change is recorded in the
 * audit trail in its own transaction, with the user's values before and after (personal ones sealed with their key).
 */
final class UserService {
    static final int MAX_PAGE = 500;
    private static final Logger LOG = LoggerFactory.getLogger(UserService.class);

    private final Database database;
    private final UserRepository users;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final AuthService auth;
    private final Clock clock;
    private final AuditLog audit;

    UserService(Database database, PasswordHasher hasher, PasswordPolicy policy, AuthService auth, Clock clock, AuditLog audit) {
        this.database = database;
        this.users = new UserRepository(database);
        this.hasher = hasher;
        this.policy = policy;
        this.auth = auth;
        this.clock = clock;
        this.audit = audit;
    }

    UserPage list(int offset, int limit) {
        List<UserView> page = users.page(offset, limit).stream().map(Users::view).toList();
        return new UserPage(page, users.count(), offset, limit);
    }

    UserView get(long id) {
        return users.findById(id).map(Users::view).orElseThrow(() -> notFound(id));
    }

    UserView create(CreateUserRequest request, Caller caller) {
        return create(request, Actor.of(caller, null, null));
    }

    UserView create(CreateUserRequest request, Actor caller) {
        List<ErrorDetail> problems = new ArrayList<>();
        Users.checkUsername(request.username()).ifPresent(problems::add);
        Users.checkDisplayName(request.displayName()).ifPresent(problems::add);
        policy.check("password", request.password(), request.username()).ifPresent(problems::add);
        Users.checkRoles(request.roles(), true).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        if (users.findByUsername(request.username()).isPresent()) {
            throw duplicate(request.username());
        }
        Instant now = clock.instant();
        DUser user = new DUser();
        user.setUsername(request.username());
        user.setDisplayName(request.displayName());
        user.setPasswordHash(hasher.hash(request.password()));
        user.setRoles(new ArrayList<>(RoleNames.toStored(request.roles())));
        user.setCreatedAt(now);
        user.setUpdatedAt(now);
        try (Transaction tx = database.beginTransaction()) {
            users.insert(user);
            String id = user.getId().toString();
            audit.append(tx, AuditEvent.change("user.create", "user", id).actor(caller)
                    .change(null, state(user)).personalChange(id, null, personal(user)));
            tx.commit();
        } catch (DuplicateKeyException e) {
            throw duplicate(request.username());
        }
        LOG.info("users: {} ({}) created user {} ({}) with roles {}", caller.id(), caller.name(), user.getId(),
                user.getUsername(), user.getRoles());
        return Users.view(user);
    }

    UserView update(long id, UpdateUserRequest request, Caller caller) {
        return update(id, request, Actor.of(caller, null, null));
    }

    UserView update(long id, UpdateUserRequest request, Actor caller) {
        List<ErrorDetail> problems = new ArrayList<>();
        Users.checkDisplayName(request.displayName()).ifPresent(problems::add);
        Users.checkRoles(request.roles(), false).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        try (Transaction tx = database.beginTransaction()) {
            users.lockAdmins();
            DUser user = users.findById(id).orElseThrow(() -> notFound(id));
            if (request.password() != null && user.isExternal()) {
                throw ApiException.invalid("password", "user " + user.getUsername() + " signs in through identity provider '"
                        + user.getSource() + "' and has no password here");
            }
            if (request.password() != null) {
                policy.check("password", request.password(), user.getUsername()).ifPresent(problem -> {
                    throw ApiException.invalid(List.of(problem));
                });
            }
            List<String> newRoles = request.roles() == null ? user.getRoles() : RoleNames.toStored(request.roles());
            boolean newEnabled = request.enabled() == null ? user.isEnabled() : request.enabled();
            boolean losesAdmin = user.isEnabled() && Users.hasAdmin(user.getRoles()) && (!newEnabled || !Users.hasAdmin(newRoles));
            if (losesAdmin) {
                refuseLosingAdmin(user, caller, "demote or disable");
            }
            Map<String, Object> before = state(user);
            Map<String, Object> personalBefore = personal(user);
            boolean endsSessions = (user.isEnabled() && !newEnabled)
                    || !new HashSet<>(newRoles).containsAll(user.getRoles())
                    || request.password() != null;
            if (request.displayName() != null) {
                user.setDisplayName(request.displayName());
            }
            if (request.password() != null) {
                user.setPasswordHash(hasher.hash(request.password()));
            }
            user.setRoles(new ArrayList<>(newRoles));
            user.setEnabled(newEnabled);
            user.setUpdatedAt(clock.instant());
            users.update(user);
            int ended = endsSessions ? auth.revokeSessionsOf(id, "user-changed") : 0;
            audit.append(tx, AuditEvent.change("user.update", "user", Long.toString(id)).actor(caller)
                    .change(before, state(user)).personalChange(Long.toString(id), personalBefore, personal(user))
                    .detail("passwordChanged", request.password() != null).detail("sessionsEnded", ended));
            tx.commit();
            LOG.info("users: {} ({}) updated user {} ({}): roles {}, enabled {}{}{}", caller.id(), caller.name(), id,
                    user.getUsername(), user.getRoles(), user.isEnabled(), request.password() != null ? ", password reset" : "",
                    ended > 0 ? ", " + ended + " session(s) ended" : "");
            return Users.view(user);
        }
    }

    void delete(long id, Caller caller) {
        delete(id, Actor.of(caller, null, null));
    }

    void delete(long id, Actor caller) {
        try (Transaction tx = database.beginTransaction()) {
            users.lockAdmins();
            DUser user = users.findById(id).orElseThrow(() -> notFound(id));
            if (user.isEnabled() && Users.hasAdmin(user.getRoles())) {
                refuseLosingAdmin(user, caller, "delete");
            } else if (Long.toString(id).equals(caller.id())) {
                throw ApiException.conflict("you cannot delete yourself");
            }
            int ended = auth.revokeSessionsOf(id, "user-deleted");
            users.delete(user);
            audit.append(tx, AuditEvent.change("user.delete", "user", Long.toString(id)).actor(caller)
                    .change(state(user), null).personalChange(Long.toString(id), personal(user), null)
                    .detail("sessionsEnded", ended));
            tx.commit();
            LOG.info("users: {} ({}) deleted user {} ({}); {} session(s) ended", caller.id(), caller.name(), id,
                    user.getUsername(), ended);
        }
    }

    /** What an audit record holds in the clear about a user: nothing that names the person. */
    static Map<String, Object> state(DUser user) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("roles", user.getRoles().stream().sorted().toList());
        state.put("enabled", user.isEnabled());
        state.put("source", user.getSource());
        return state;
    }

    /** A user's personal fields, sealed with their key in an audit record. */
    static Map<String, Object> personal(DUser user) {
        Map<String, Object> personal = new LinkedHashMap<>();
        personal.put("username", user.getUsername());
        personal.put("displayName", user.getDisplayName());
        personal.put("email", user.getEmail());
        if (user.getExternalSubject() != null) {
            personal.put("externalSubject", user.getExternalSubject());
        }
        return personal;
    }

    private void refuseLosingAdmin(DUser user, Actor caller, String action) {
        if (user.getId().toString().equals(caller.id())) {
            throw ApiException.conflict("you cannot " + action + " yourself as an admin: ask another admin");
        }
        if (users.countEnabledAdmins() <= 1) {
            throw ApiException.conflict("user " + user.getUsername() + " is the last enabled admin: cannot " + action
                    + " them; make another user an admin first");
        }
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("no user with id " + id);
    }

    private static ApiException duplicate(String username) {
        return ApiException.conflict("a user named '" + username + "' already exists");
    }

    static Optional<Long> parseId(String text) {
        if (text == null || !text.matches("\\d{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }
}

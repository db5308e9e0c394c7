package io.pganalytics.server.auth.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.AuthMethods;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.PasswordProvider;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sign-in against an LDAP directory or Active Directory: a service account finds the user's entry with the configured
 * filter (the name escaped by the SDK), the user's password is checked by a bind as that entry on a connection of its
 * own, and the user's groups become roles through the provider's role mapping.
 * <p>
 * Every refusal (unknown name, two entries for one name, wrong or blank password, disabled account, no role) answers
 * with the same words as a wrong local password; only the log says which. A directory that does not answer is a 503
 * that names the provider, so that local accounts still sign in and the reason is plain.
 */
final class LdapProvider implements PasswordProvider {
    /** The same words as {@code AuthService}'s wrong local password: a refusal never says why. */
    static final String WRONG_CREDENTIALS = "the user name or password is wrong";
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    private static final int MAX_USERNAME = 256;
    private static final int MAX_PASSWORD = 1024;
    private static final Set<ResultCode> UNREACHABLE = Set.of(ResultCode.SERVER_DOWN, ResultCode.CONNECT_ERROR,
            ResultCode.TIMEOUT, ResultCode.UNAVAILABLE, ResultCode.BUSY, ResultCode.LOCAL_ERROR,
            ResultCode.DECODING_ERROR, ResultCode.ENCODING_ERROR, ResultCode.NO_MEMORY, ResultCode.OTHER);
    private static final Logger LOG = LoggerFactory.getLogger(LdapProvider.class);

    private final ProviderDefinition definition;
    private final LdapSettings settings;
    private final LdapConnections connections;
    private final DirectoryGroups groups;

    LdapProvider(ProviderDefinition definition, LdapSettings settings) {
        this.definition = definition;
        this.settings = settings;
        this.connections = new LdapConnections(definition.name(), settings);
        this.groups = new DirectoryGroups(definition.name(), settings);
    }

    @Override
    public ProviderDefinition definition() {
        return definition;
    }

    LdapSettings settings() {
        return settings;
    }

    @Override
    public ExternalIdentity authenticate(String username, String password) {
        if (username == null || username.isBlank() || username.length() > MAX_USERNAME) {
            throw refused("a blank or over-long user name", username);
        }
        // Before anything reaches the directory: a simple bind with an empty password is an anonymous bind that
        // many directories answer with success.
        if (password == null || password.isBlank() || password.length() > MAX_PASSWORD) {
            throw refused("an empty, blank or over-long password", username);
        }
        DirectoryUser user = find(username).orElseThrow(() -> refused("no single entry matches the name", username));
        if (user.disabled()) {
            throw refused("the directory account " + user.dn() + " is disabled", username);
        }
        bindAs(user, password);
        return identity(user).orElseThrow(() -> refused("no role maps from the groups of " + user.dn(), username));
    }

    /**
     * What the directory says of a user now, read by the service account (the sync job's question).
     *
     * @throws ApiException unavailable when the directory cannot be asked
     */
    DirectoryStatus lookup(String username) {
        Optional<DirectoryUser> found = find(username);
        if (found.isEmpty()) {
            return new DirectoryStatus(DirectoryStatus.State.GONE, null, null);
        }
        DirectoryUser user = found.get();
        if (user.disabled()) {
            return new DirectoryStatus(DirectoryStatus.State.DISABLED, user.subject(), null);
        }
        return identity(user).map(id -> new DirectoryStatus(DirectoryStatus.State.ACTIVE, user.subject(), id))
                .orElseGet(() -> new DirectoryStatus(DirectoryStatus.State.NO_ROLE, user.subject(), null));
    }

    /** Checks that the directory and both base DNs are reachable with the service account. */
    void probe() {
        LDAPConnectionPool pool = connections.pool();
        try {
            if (pool.getEntry(settings.userBaseDn(), SearchRequest.NO_ATTRIBUTES) == null) {
                throw ApiException.unavailable("LDAP provider " + definition.name() + ": settings.userBaseDn "
                        + settings.userBaseDn() + " does not exist in the directory", RETRY_AFTER);
            }
        } catch (LDAPException e) {
            throw unavailable("reading settings.userBaseDn", e);
        }
    }

    @Override
    public String test() {
        LDAPConnectionPool pool = connections.pool();
        StringBuilder said = new StringBuilder("connected to ").append(connections.describeServers())
                .append(" and bound as ").append(settings.bindDn());
        try {
            if (pool.getEntry(settings.userBaseDn(), SearchRequest.NO_ATTRIBUTES) == null) {
                throw ApiException.unavailable("LDAP provider " + definition.name() + ": " + said
                        + ", but settings.userBaseDn " + settings.userBaseDn() + " does not exist", RETRY_AFTER);
            }
            int limit = 1000;
            SearchRequest users = new SearchRequest(settings.userBaseDn(), SearchScope.SUB,
                    Filter.create(settings.userFilter().replace(LdapSettings.USERNAME_PLACEHOLDER, "*")),
                    SearchRequest.NO_ATTRIBUTES);
            users.setSizeLimit(limit);
            said.append("; ").append(countEntries(pool, users, limit)).append(" user(s) under ").append(settings.userBaseDn())
                    .append(" match settings.userFilter");
            if (settings.groupBaseDn() != null) {
                SearchRequest groupBase = new SearchRequest(settings.groupBaseDn(), SearchScope.ONE,
                        Filter.createPresenceFilter("objectClass"), SearchRequest.NO_ATTRIBUTES);
                groupBase.setSizeLimit(limit);
                said.append("; ").append(countEntries(pool, groupBase, limit)).append(" entr(ies) directly under ")
                        .append(settings.groupBaseDn());
            }
            return said.toString();
        } catch (LDAPException e) {
            throw unavailable("test", e);
        }
    }

    @Override
    public void close() {
        connections.close();
    }

    private static String countEntries(LDAPConnectionPool pool, SearchRequest request, int limit) throws LDAPException {
        try {
            return Integer.toString(pool.search(request).getEntryCount());
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return "more than " + limit;
            }
            throw e;
        }
    }

    /** The one entry the name finds; empty when none or several do (a name must never pick between people). */
    private Optional<DirectoryUser> find(String username) {
        SearchRequest request;
        try {
            request = new SearchRequest(settings.userBaseDn(), SearchScope.SUB, settings.userFilterFor(username),
                    DirectoryUser.attributes(settings));
        } catch (LDAPException e) {
            // Escaped values always make a valid filter; a failure here is a bug, not the user's input.
            throw new IllegalStateException("ldap " + definition.name() + ": the user filter did not build", e);
        }
        request.setSizeLimit(2);
        request.setTimeLimitSeconds((int) Math.max(1, settings.responseTimeout().toSeconds()));
        SearchResult result;
        try {
            result = connections.pool().search(request);
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                LOG.warn("ldap {}: more than one entry under {} matches a user name; refusing it (check settings.userFilter)",
                        definition.name(), settings.userBaseDn());
                return Optional.empty();
            }
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                throw ApiException.unavailable("LDAP provider " + definition.name() + ": settings.userBaseDn "
                        + settings.userBaseDn() + " does not exist in the directory", RETRY_AFTER);
            }
            throw unavailable("searching the user", e);
        }
        if (result.getEntryCount() != 1) {
            return Optional.empty();
        }
        SearchResultEntry entry = result.getSearchEntries().getFirst();
        Optional<DirectoryUser> user = DirectoryUser.of(entry, settings);
        if (user.isEmpty()) {
            LOG.warn("ldap {}: {} has no {} or {} attribute; it cannot sign in", definition.name(), entry.getDN(),
                    settings.usernameAttribute(), settings.subjectAttribute());
        }
        return user;
    }

    /** The password check: a bind as the user on a new connection, closed at once (never a pooled one). */
    private void bindAs(DirectoryUser user, String password) {
        LDAPConnection connection;
        try {
            connection = connections.fresh();
        } catch (LDAPException e) {
            throw unavailable("connecting for the user's bind", e);
        }
        try (connection) {
            connection.bind(new SimpleBindRequest(user.dn(), password));
        } catch (LDAPException e) {
            if (UNREACHABLE.contains(e.getResultCode())) {
                throw unavailable("the user's bind", e);
            }
            // invalidCredentials (also a locked or disabled account), unwillingToPerform, accountLocked...
            throw refused("the directory refused the bind as " + user.dn() + " (" + e.getResultCode().getName()
                    + ")", user.username());
        }
    }

    /** The user with groups and mapped roles, or empty when the role mapping refuses them. */
    private Optional<ExternalIdentity> identity(DirectoryUser user) {
        Set<String> groupDns;
        try {
            groupDns = groups.of(connections.pool(), user);
        } catch (LDAPException e) {
            throw unavailable("reading the user's groups", e);
        }
        Set<String> values = DirectoryGroups.mappingValues(groupDns);
        Optional<Set<Role>> roles = definition.roleMapping().rolesFor(Map.of(RoleMapping.GROUPS, values));
        return roles.map(r -> new ExternalIdentity(definition.name(), user.subject(), user.username(),
                user.displayName(), user.email(), values, r, Set.of(AuthMethods.PASSWORD)));
    }

    private ApiException refused(String why, String username) {
        LOG.info("ldap {}: sign-in refused for {}: {}", definition.name(), printable(username), why);
        return ApiException.unauthenticated(WRONG_CREDENTIALS);
    }

    private ApiException unavailable(String during, LDAPException e) {
        LOG.warn("ldap {}: {} failed: {} ({})", definition.name(), during, e.getResultCode().getName(),
                e.getDiagnosticMessage() == null ? e.getExceptionMessage() : e.getDiagnosticMessage());
        return ApiException.unavailable("the directory of sign-in provider " + definition.name() + " cannot be reached ("
                + e.getResultCode().getName() + " while " + during + "); local accounts can still sign in", RETRY_AFTER);
    }

    /** A user name as it may appear in a log line: bounded, without control characters. */
    private static String printable(String username) {
        if (username == null) {
            return "(none)";
        }
        String shown = username.length() > 64 ? username.substring(0, 64) + "..." : username;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}

package io.pganalytics.server.auth.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.ProviderSettings;
import io.pganalytics.server.http.ApiException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * An LDAP provider's settings, read and checked once from its definition. Every problem is reported at once, each
 * naming its setting ({@code settings.url}, {@code secrets.bindPassword}...), and nothing is contacted here.
 */
record LdapSettings(List<Server> servers, Security security, Path caFile, Path trustStore, String trustStorePassword,
                    String bindDn, String bindPassword, String userBaseDn, String userFilter,
                    String usernameAttribute, String displayNameAttribute, String emailAttribute, String subjectAttribute,
                    GroupMode groupMode, String memberOfAttribute, String groupBaseDn, String groupFilter,
                    boolean nestedGroups, boolean activeDirectory, int maxNestingDepth, int maxGroups,
                    int poolSize, Duration connectTimeout, Duration responseTimeout,
                    Duration syncInterval, int syncBatchSize) {
    static final String USERNAME_PLACEHOLDER = "{username}";
    static final String DN_PLACEHOLDER = "{dn}";
    /** The entry's DN as the subject: the default. */
    static final String SUBJECT_DN = "dn";

    private static final Set<String> KNOWN = Set.of("url", "startTls", "allowPlaintext", "caFile", "trustStore",
            "bindDn", "userBaseDn", "userFilter", "usernameAttribute", "displayNameAttribute", "emailAttribute",
            "subjectAttribute", "groupMode", "memberOfAttribute", "groupBaseDn", "groupFilter", "nestedGroups",
            "activeDirectory", "maxNestingDepth", "maxGroups", "poolSize", "connectTimeout", "responseTimeout",
            "syncInterval", "syncBatchSize");
    private static final Set<String> KNOWN_SECRETS = Set.of("bindPassword", "trustStorePassword");

    /** How the connection is protected. */
    enum Security { LDAPS, START_TLS, PLAINTEXT }

    /** Where a user's groups are read: the user entry's memberOf attribute, or a search of the groups. */
    enum GroupMode { MEMBER_OF, SEARCH }

    record Server(String host, int port) {
    }

    boolean usesTls() {
        return security != Security.PLAINTEXT;
    }

    /**
     * @param dataDir relative trust-store paths resolve against it
     * @throws ApiException invalid, naming every wrong setting
     */
    static LdapSettings from(ProviderDefinition definition, Path dataDir) {
        ProviderSettings r = ProviderSettings.of(definition).refuseUnknown(KNOWN, KNOWN_SECRETS);
        boolean startTls = r.bool("startTls", false);
        boolean allowPlaintext = r.bool("allowPlaintext", false);
        List<Server> servers = new ArrayList<>();
        Security security = urls(r, startTls, allowPlaintext, servers);

        String caFile = r.text("caFile");
        String trustStore = r.text("trustStore");
        String trustStorePassword = r.secret("trustStorePassword");
        if (security != Security.PLAINTEXT) {
            if (caFile == null && trustStore == null) {
                r.problem("settings.caFile", "a PEM file of the directory's CA certificate(s) is required for "
                        + (security == Security.LDAPS ? "ldaps://" : "StartTLS") + " (or settings.trustStore, a PKCS12 file)");
            } else if (caFile != null && trustStore != null) {
                r.problem("settings.trustStore", "give either settings.caFile or settings.trustStore, not both");
            }
            if (trustStore != null && trustStorePassword == null) {
                r.problem("secrets.trustStorePassword", "is required with settings.trustStore");
            }
        }

        String bindDn = dn(r, "bindDn", null, true);
        String bindPassword = r.secret("bindPassword");
        if (bindPassword == null || bindPassword.isEmpty()) {
            r.problem("secrets.bindPassword", "is required: the service account's password");
        }
        String userBaseDn = dn(r, "userBaseDn", null, true);
        boolean activeDirectory = r.bool("activeDirectory", false);
        String userFilter = filter(r, "userFilter", activeDirectory
                ? "(&(objectClass=user)(sAMAccountName={username}))"
                : "(&(objectClass=inetOrgPerson)(uid={username}))", USERNAME_PLACEHOLDER);
        String usernameAttribute = attribute(r, "usernameAttribute", activeDirectory ? "sAMAccountName" : "uid");
        String displayNameAttribute = attribute(r, "displayNameAttribute", activeDirectory ? "displayName" : "cn");
        String emailAttribute = attribute(r, "emailAttribute", "mail");
        String subjectAttribute = attribute(r, "subjectAttribute", SUBJECT_DN);

        GroupMode groupMode = switch (r.text("groupMode", "memberOf").toLowerCase(Locale.ROOT)) {
            case "memberof" -> GroupMode.MEMBER_OF;
            case "search" -> GroupMode.SEARCH;
            default -> {
                r.problem("settings.groupMode", "must be memberOf or search");
                yield GroupMode.MEMBER_OF;
            }
        };
        String memberOfAttribute = attribute(r, "memberOfAttribute", "memberOf");
        boolean nestedGroups = r.bool("nestedGroups", false);
        boolean groupsSearched = groupMode == GroupMode.SEARCH || (nestedGroups && activeDirectory);
        String groupBaseDn = dn(r, "groupBaseDn", null, groupsSearched);
        String groupFilter = filter(r, "groupFilter", "(&(objectClass=groupOfNames)(member={dn}))", DN_PLACEHOLDER);
        int maxNestingDepth = r.integer("maxNestingDepth", 8, 1, 32);
        int maxGroups = r.integer("maxGroups", 256, 1, 5000);
        int poolSize = r.integer("poolSize", 4, 1, 64);
        Duration connectTimeout = r.duration("connectTimeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(2));
        Duration responseTimeout = r.duration("responseTimeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(2));
        Duration syncInterval = r.duration("syncInterval", Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofDays(1));
        int syncBatchSize = r.integer("syncBatchSize", 500, 1, 10_000);
        r.done();
        return new LdapSettings(List.copyOf(servers), security,
                caFile == null ? null : dataDir.resolve(caFile), trustStore == null ? null : dataDir.resolve(trustStore),
                trustStorePassword, bindDn, bindPassword, userBaseDn, userFilter, usernameAttribute, displayNameAttribute,
                emailAttribute, subjectAttribute, groupMode, memberOfAttribute, groupBaseDn, groupFilter, nestedGroups,
                activeDirectory, maxNestingDepth, maxGroups, poolSize, connectTimeout, responseTimeout, syncInterval,
                syncBatchSize);
    }

    /** The user filter for one name: the name is escaped by the SDK, so that {@code *)(uid=*} matches only itself. */
    Filter userFilterFor(String username) throws LDAPException {
        return Filter.create(userFilter.replace(USERNAME_PLACEHOLDER, Filter.encodeValue(username)));
    }

    /** The group filter for one member DN, escaped the same way. */
    Filter groupFilterFor(String memberDn) throws LDAPException {
        return Filter.create(groupFilter.replace(DN_PLACEHOLDER, Filter.encodeValue(memberDn)));
    }

    @Override
    public String toString() {
        return "LdapSettings[servers=" + servers + ", security=" + security + ", bindDn=" + bindDn
                + ", userBaseDn=" + userBaseDn + ", userFilter=" + userFilter + ", groupMode=" + groupMode
                + " (secrets hidden)]";
    }

    private static String dn(ProviderSettings r, String name, String fallback, boolean required) {
        String value = r.text(name, fallback);
        if (value == null) {
            if (required) {
                r.problem("settings." + name, "is required (a distinguished name such as ou=people,dc=example,dc=org)");
            }
            return null;
        }
        if (!DN.isValidDN(value)) {
            r.problem("settings." + name, "is not a valid distinguished name");
        }
        return value;
    }

    private static String attribute(ProviderSettings r, String name, String fallback) {
        String value = r.text(name, fallback);
        if (!value.matches("[A-Za-z][A-Za-z0-9-]{0,63}")) {
            r.problem("settings." + name, "must be an attribute name (letters, digits and '-')");
        }
        return value;
    }

    private static String filter(ProviderSettings r, String name, String fallback, String placeholder) {
        String value = r.text(name, fallback);
        if (!value.contains(placeholder)) {
            r.problem("settings." + name, "must contain " + placeholder);
            return value;
        }
        try {
            Filter.create(value.replace(placeholder, "x"));
        } catch (LDAPException e) {
            r.problem("settings." + name, "is not a valid LDAP filter (" + e.getDiagnosticMessage() + ")");
        }
        return value;
    }

    /** Reads {@code url} (one URL or a list: failover order) and returns how connections are protected. */
    private static Security urls(ProviderSettings r, boolean startTls, boolean allowPlaintext, List<Server> servers) {
        List<String> urls = r.list("url", List.of());
        if (urls.isEmpty() || urls.size() > 16) {
            r.problem("settings.url", "is required: ldaps://host:636, or ldap://host:389 with settings.startTls "
                    + "(a list of up to 16 URLs for failover)");
            return Security.LDAPS;
        }
        Set<String> schemes = new TreeSet<>();
        for (String url : urls) {
            try {
                LDAPURL parsed = new LDAPURL(url);
                if (!parsed.hostProvided()) {
                    r.problem("settings.url", url + ": names no host");
                }
                schemes.add(parsed.getScheme());
                servers.add(new Server(parsed.getHost(), parsed.getPort()));
            } catch (LDAPException e) {
                r.problem("settings.url", url + " is not an LDAP URL (ldaps://host:636 or ldap://host:389)");
            }
        }
        if (schemes.size() > 1) {
            r.problem("settings.url", "every URL must use the same scheme, not " + schemes);
        }
        boolean ldaps = schemes.contains("ldaps");
        if (ldaps && startTls) {
            r.problem("settings.startTls", "is for ldap:// URLs; ldaps:// is already TLS");
        }
        if (schemes.contains("ldapi")) {
            r.problem("settings.url", "ldapi:// is not supported: use ldaps:// or ldap:// with StartTLS");
        }
        if (ldaps) {
            return Security.LDAPS;
        }
        if (startTls) {
            return Security.START_TLS;
        }
        if (!allowPlaintext) {
            r.problem("settings.url", "plain ldap:// sends passwords in clear: use ldaps://, set settings.startTls "
                    + "to true, or (test directories only) settings.allowPlaintext to true");
        }
        return Security.PLAINTEXT;
    }
}

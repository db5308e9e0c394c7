package io.pganalytics.server.auth.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.http.ApiException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
        Reader r = new Reader(definition.settings(), definition.secrets());
        r.unknown();
        boolean startTls = r.bool("startTls", false);
        boolean allowPlaintext = r.bool("allowPlaintext", false);
        List<Server> servers = new ArrayList<>();
        Security security = r.urls(startTls, allowPlaintext, servers);

        String caFile = r.text("caFile", null);
        String trustStore = r.text("trustStore", null);
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

        String bindDn = r.dn("bindDn", null, true);
        String bindPassword = r.secret("bindPassword");
        if (bindPassword == null || bindPassword.isEmpty()) {
            r.problem("secrets.bindPassword", "is required: the service account's password");
        }
        String userBaseDn = r.dn("userBaseDn", null, true);
        boolean activeDirectory = r.bool("activeDirectory", false);
        String userFilter = r.filter("userFilter", activeDirectory
                ? "(&(objectClass=user)(sAMAccountName={username}))"
                : "(&(objectClass=inetOrgPerson)(uid={username}))", USERNAME_PLACEHOLDER);
        String usernameAttribute = r.attribute("usernameAttribute", activeDirectory ? "sAMAccountName" : "uid");
        String displayNameAttribute = r.attribute("displayNameAttribute", activeDirectory ? "displayName" : "cn");
        String emailAttribute = r.attribute("emailAttribute", "mail");
        String subjectAttribute = r.attribute("subjectAttribute", SUBJECT_DN);

        GroupMode groupMode = switch (r.text("groupMode", "memberOf").toLowerCase(Locale.ROOT)) {
            case "memberof" -> GroupMode.MEMBER_OF;
            case "search" -> GroupMode.SEARCH;
            default -> {
                r.problem("settings.groupMode", "must be memberOf or search");
                yield GroupMode.MEMBER_OF;
            }
        };
        String memberOfAttribute = r.attribute("memberOfAttribute", "memberOf");
        boolean nestedGroups = r.bool("nestedGroups", false);
        boolean groupsSearched = groupMode == GroupMode.SEARCH || (nestedGroups && activeDirectory);
        String groupBaseDn = r.dn("groupBaseDn", null, groupsSearched);
        String groupFilter = r.filter("groupFilter", "(&(objectClass=groupOfNames)(member={dn}))", DN_PLACEHOLDER);
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

    /** Reads settings, collecting every problem instead of stopping at the first. */
    private static final class Reader {
        private final Map<String, Object> settings;
        private final Map<String, String> secrets;
        private final List<ErrorDetail> problems = new ArrayList<>();

        Reader(Map<String, Object> settings, Map<String, String> secrets) {
            this.settings = settings;
            this.secrets = secrets;
        }

        void problem(String field, String what) {
            problems.add(new ErrorDetail(field, what));
        }

        void done() {
            if (!problems.isEmpty()) {
                throw ApiException.invalid(problems);
            }
        }

        void unknown() {
            settings.keySet().stream().filter(k -> !KNOWN.contains(k)).sorted()
                    .forEach(k -> problem("settings." + k, "is not an LDAP setting"));
            secrets.keySet().stream().filter(k -> !KNOWN_SECRETS.contains(k)).sorted()
                    .forEach(k -> problem("secrets." + k, "is not an LDAP secret (bindPassword, trustStorePassword)"));
        }

        String secret(String name) {
            String value = secrets.get(name);
            return value == null || value.isEmpty() ? null : value;
        }

        String text(String name, String fallback) {
            Object value = settings.get(name);
            if (value == null) {
                return fallback;
            }
            if (!(value instanceof String s)) {
                problem("settings." + name, "must be text");
                return fallback;
            }
            return s.isBlank() ? fallback : s.strip();
        }

        boolean bool(String name, boolean fallback) {
            Object value = settings.get(name);
            if (value == null) {
                return fallback;
            }
            if (value instanceof Boolean b) {
                return b;
            }
            if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(s);
            }
            problem("settings." + name, "must be true or false");
            return fallback;
        }

        int integer(String name, int fallback, int min, int max) {
            Object value = settings.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                long n = value instanceof Number number && number.doubleValue() == number.longValue()
                        ? number.longValue() : Long.parseLong(String.valueOf(value).strip());
                if (n < min || n > max) {
                    problem("settings." + name, "must be between " + min + " and " + max + ", not " + n);
                    return fallback;
                }
                return (int) n;
            } catch (NumberFormatException e) {
                problem("settings." + name, "must be a whole number");
                return fallback;
            }
        }

        Duration duration(String name, Duration fallback, Duration min, Duration max) {
            Object value = settings.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                Duration d = Durations.parse(String.valueOf(value));
                if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                    problem("settings." + name, "must be between " + human(min) + " and " + human(max));
                    return fallback;
                }
                return d;
            } catch (IllegalArgumentException e) {
                problem("settings." + name, e.getMessage());
                return fallback;
            }
        }

        private static String human(Duration d) {
            return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
        }

        String dn(String name, String fallback, boolean required) {
            String value = text(name, fallback);
            if (value == null) {
                if (required) {
                    problem("settings." + name, "is required (a distinguished name such as ou=people,dc=example,dc=org)");
                }
                return null;
            }
            if (!DN.isValidDN(value)) {
                problem("settings." + name, "is not a valid distinguished name");
            }
            return value;
        }

        String attribute(String name, String fallback) {
            String value = text(name, fallback);
            if (!value.matches("[A-Za-z][A-Za-z0-9-]{0,63}")) {
                problem("settings." + name, "must be an attribute name (letters, digits and '-')");
            }
            return value;
        }

        String filter(String name, String fallback, String placeholder) {
            String value = text(name, fallback);
            if (!value.contains(placeholder)) {
                problem("settings." + name, "must contain " + placeholder);
                return value;
            }
            try {
                Filter.create(value.replace(placeholder, "x"));
            } catch (LDAPException e) {
                problem("settings." + name, "is not a valid LDAP filter (" + e.getDiagnosticMessage() + ")");
            }
            return value;
        }

        /** Reads {@code url} (one URL or a list: failover order) and returns how connections are protected. */
        Security urls(boolean startTls, boolean allowPlaintext, List<Server> servers) {
            Object value = settings.get("url");
            List<String> urls = new ArrayList<>();
            if (value instanceof String s && !s.isBlank()) {
                urls.add(s.strip());
            } else if (value instanceof Collection<?> list && !list.isEmpty() && list.size() <= 16) {
                list.forEach(v -> urls.add(String.valueOf(v).strip()));
            } else {
                problem("settings.url", "is required: ldaps://host:636, or ldap://host:389 with settings.startTls "
                        + "(a list of up to 16 URLs for failover)");
                return Security.LDAPS;
            }
            Set<String> schemes = new java.util.TreeSet<>();
            for (String url : urls) {
                try {
                    LDAPURL parsed = new LDAPURL(url);
                    if (!parsed.hostProvided()) {
                        problem("settings.url", url + ": names no host");
                    }
                    schemes.add(parsed.getScheme());
                    servers.add(new Server(parsed.getHost(), parsed.getPort()));
                } catch (LDAPException e) {
                    problem("settings.url", url + " is not an LDAP URL (ldaps://host:636 or ldap://host:389)");
                }
            }
            if (schemes.size() > 1) {
                problem("settings.url", "every URL must use the same scheme, not " + schemes);
            }
            boolean ldaps = schemes.contains("ldaps");
            if (ldaps && startTls) {
                problem("settings.startTls", "is for ldap:// URLs; ldaps:// is already TLS");
            }
            if (schemes.contains("ldapi")) {
                problem("settings.url", "ldapi:// is not supported: use ldaps:// or ldap:// with StartTLS");
            }
            if (ldaps) {
                return Security.LDAPS;
            }
            if (startTls) {
                return Security.START_TLS;
            }
            if (!allowPlaintext) {
                problem("settings.url", "plain ldap:// sends passwords in clear: use ldaps://, set settings.startTls "
                        + "to true, or (test directories only) settings.allowPlaintext to true");
            }
            return Security.PLAINTEXT;
        }
    }
}

package io.pganalytics.server.auth.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A user's groups: direct ones from memberOf or a group search, and, with {@code nestedGroups}, the groups those
 * belong to. Active Directory answers the whole chain in one search (LDAP_MATCHING_RULE_IN_CHAIN); other directories
 * are walked up level by level, at most {@code maxNestingDepth} levels and {@code maxGroups} groups.
 */
final class DirectoryGroups {
    /** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: membership through any number of nested groups. */
    static final String IN_CHAIN = "1.2.840.113556.1.4.1941";
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryGroups.class);
    private static final String[] NO_ATTRIBUTES = {SearchRequest.NO_ATTRIBUTES};

    private final String provider;
    private final LdapSettings settings;

    DirectoryGroups(String provider, LdapSettings settings) {
        this.provider = provider;
        this.settings = settings;
    }

    /** The DNs of the user's groups, in the order found. */
    Set<String> of(LDAPConnectionPool pool, DirectoryUser user) throws LDAPException {
        if (settings.nestedGroups() && settings.activeDirectory()) {
            Filter inChain = Filter.createExtensibleMatchFilter("member", IN_CHAIN, false, user.dn());
            return new LinkedHashSet<>(search(pool, inChain));
        }
        Map<String, String> found = new LinkedHashMap<>(); // normalized DN -> DN as the directory wrote it
        Deque<String> level = new ArrayDeque<>();
        for (String dn : direct(pool, user.dn(), user.memberOf())) {
            if (add(found, dn)) {
                level.add(dn);
            }
        }
        for (int depth = 1; settings.nestedGroups() && depth < settings.maxNestingDepth() && !level.isEmpty(); depth++) {
            Deque<String> next = new ArrayDeque<>();
            for (String group : level) {
                for (String parent : direct(pool, group, null)) {
                    if (found.size() >= settings.maxGroups()) {
                        LOG.warn("ldap {}: {} belongs to more than {} groups; reading no more (settings.maxGroups)",
                                provider, user.dn(), settings.maxGroups());
                        return new LinkedHashSet<>(found.values());
                    }
                    if (add(found, parent)) {
                        next.add(parent);
                    }
                }
            }
            level = next;
        }
        return new LinkedHashSet<>(found.values());
    }

    /**
     * What role-mapping rules compare with: each group's DN as written, its normalized form, and its common name, so
     * that a rule may name a group by DN or by cn.
     */
    static Set<String> mappingValues(Set<String> groupDns) {
        Set<String> values = new LinkedHashSet<>();
        for (String dn : groupDns) {
            values.add(dn);
            try {
                DN parsed = new DN(dn);
                values.add(parsed.toNormalizedString());
                RDN rdn = parsed.getRDN();
                if (rdn != null && rdn.hasAttribute("cn")) {
                    values.add(rdn.getAttributeValues()[0]);
                }
            } catch (LDAPException e) {
                LOG.debug("group DN {} is not parsable: {}", dn, e.getMessage());
            }
        }
        return values;
    }

    private static boolean add(Map<String, String> found, String dn) {
        String key;
        try {
            key = new DN(dn).toNormalizedString();
        } catch (LDAPException e) {
            key = dn.toLowerCase(Locale.ROOT);
        }
        return found.putIfAbsent(key, dn) == null;
    }

    /** The groups an entry belongs to directly: its memberOf values (read when not given), or a group search. */
    private List<String> direct(LDAPConnectionPool pool, String memberDn, List<String> knownMemberOf) throws LDAPException {
        if (settings.groupMode() == LdapSettings.GroupMode.SEARCH) {
            return search(pool, settings.groupFilterFor(memberDn));
        }
        if (knownMemberOf != null) {
            return knownMemberOf;
        }
        SearchResultEntry group = pool.getEntry(memberDn, settings.memberOfAttribute());
        if (group == null || !group.hasAttribute(settings.memberOfAttribute())) {
            return List.of();
        }
        return List.of(group.getAttributeValues(settings.memberOfAttribute()));
    }

    private List<String> search(LDAPConnectionPool pool, Filter filter) throws LDAPException {
        SearchRequest request = new SearchRequest(settings.groupBaseDn(), SearchScope.SUB, filter, NO_ATTRIBUTES);
        request.setSizeLimit(settings.maxGroups());
        request.setTimeLimitSeconds((int) Math.max(1, settings.responseTimeout().toSeconds()));
        try {
            return pool.search(request).getSearchEntries().stream().map(SearchResultEntry::getDN).toList();
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                LOG.warn("ldap {}: a group search ({}) found more than {} groups; using the first ones (settings.maxGroups)",
                        provider, filter, settings.maxGroups());
                return e.getSearchEntries().stream().map(SearchResultEntry::getDN).toList();
            }
            throw e;
        }
    }
}

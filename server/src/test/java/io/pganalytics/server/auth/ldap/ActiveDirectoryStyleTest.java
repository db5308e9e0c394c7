package io.pganalytics.server.auth.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.http.ApiException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ACTIVE DIRECTORY-STYLE CASE ON UNBOUNDID'S IN-MEMORY SERVER, NOT A REAL DOMAIN CONTROLLER (issue 12 allows it): no
 * Active Directory runs here. The in-memory server holds AD-shaped entries (sAMAccountName, userAccountControl,
 * binary objectGUID, nested groups) and, since it does not implement LDAP_MATCHING_RULE_IN_CHAIN, an interceptor
 * answers that one filter as a domain controller would (every group reached through member links). Plain LDAP on the
 * loopback (allowPlaintext): the TLS paths are proven against the real slapd in {@link LdapProviderTest}.
 */
class ActiveDirectoryStyleTest {
    private static final String BASE = "DC=corp,DC=example,DC=com";
    private static final String STAFF = "OU=Staff," + BASE;
    private static final String GROUPS = "OU=Groups," + BASE;
    private static final String SERVICE = "CN=svc-pganalytics,OU=Service Accounts," + BASE;
    private static final String SERVICE_PASSWORD = "svc-Password-99";
    private static final byte[] ALICE_GUID = {0x10, 0x32, 0x54, 0x76, (byte) 0x98, (byte) 0xba, (byte) 0xdc, (byte) 0xfe,
            0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd, (byte) 0xef};

    private static InMemoryDirectoryServer directory;
    private static final Set<String> inChainQueries = ConcurrentHashMap.newKeySet();
    private static final Map<String, AtomicInteger> binds = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setSchema(null); // AD attributes without AD's schema
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        config.addInMemoryOperationInterceptor(new InChainLikeADomainController());
        directory = new InMemoryDirectoryServer(config);
        directory.add(new Entry("dn: " + BASE, "objectClass: domain", "dc: corp"));
        for (String ou : List.of("Staff", "Groups", "Service Accounts")) {
            directory.add(new Entry("dn: OU=" + ou + "," + BASE, "objectClass: organizationalUnit", "ou: " + ou));
        }
        directory.add(new Entry("dn: " + SERVICE, "objectClass: user", "cn: svc-pganalytics",
                "sAMAccountName: svc-pganalytics", "userPassword: " + SERVICE_PASSWORD, "userAccountControl: 66048"));
        Entry alice = new Entry("dn: CN=Alice Example," + STAFF, "objectClass: user", "objectCategory: person",
                "cn: Alice Example", "sAMAccountName: alice", "displayName: Alice Example", "mail: alice@corp.example.com",
                "userPassword: alice-Password-1", "userAccountControl: 512");
        alice.addAttribute(new Attribute("objectGUID", ALICE_GUID));
        directory.add(alice);
        Entry bob = new Entry("dn: CN=Bob Gone," + STAFF, "objectClass: user", "objectCategory: person", "cn: Bob Gone",
                "sAMAccountName: bob", "userPassword: bob-Password-1", "userAccountControl: 514"); // 512 + ACCOUNTDISABLE
        bob.addAttribute(new Attribute("objectGUID", new byte[16]));
        directory.add(bob);
        directory.add(new Entry("dn: CN=DBA-Team," + GROUPS, "objectClass: group", "cn: DBA-Team",
                "member: CN=Alice Example," + STAFF, "member: CN=Bob Gone," + STAFF));
        directory.add(new Entry("dn: CN=PGA-Admins," + GROUPS, "objectClass: group", "cn: PGA-Admins",
                "member: CN=DBA-Team," + GROUPS));
        directory.startListening();
    }

    @AfterAll
    static void stop() {
        if (directory != null) {
            directory.shutDown(true);
        }
    }

    private static LdapProvider provider() {
        Map<String, Object> settings = Map.of("url", "ldap://127.0.0.1:" + directory.getListenPort(), "allowPlaintext", true,
                "activeDirectory", true, "nestedGroups", true, "bindDn", SERVICE, "userBaseDn", STAFF,
                "groupBaseDn", BASE, "subjectAttribute", "objectGUID");
        RoleMapping mapping = new RoleMapping(List.of(
                new RoleMapping.Rule(RoleMapping.GROUPS, "CN=PGA-Admins," + GROUPS, Role.ADMIN),
                new RoleMapping.Rule(RoleMapping.GROUPS, "DBA-Team", Role.OPERATOR)), null);
        return LdapTesting.provider(new ProviderDefinition("ad", LdapKind.KIND, "CORP", true, settings,
                Map.of("bindPassword", SERVICE_PASSWORD), mapping));
    }

    @Test
    void nestedGroupsComeFromOneInChainSearchAndTheSubjectIsTheObjectGuid() {
        try (LdapProvider ad = provider()) {
            ExternalIdentity alice = ad.authenticate("alice", "alice-Password-1");
            assertEquals(Set.of(Role.ADMIN, Role.OPERATOR), alice.roles());
            assertEquals("76543210-ba98-fedc-0123-456789abcdef", alice.subject());
            assertEquals("Alice Example", alice.displayName());
            assertTrue(inChainQueries.contains("CN=Alice Example," + STAFF), inChainQueries.toString());
        }
    }

    @Test
    void anAccountDisabledInUserAccountControlIsRefusedWithoutABind() {
        try (LdapProvider ad = provider()) {
            ApiException e = assertThrows(ApiException.class, () -> ad.authenticate("bob", "bob-Password-1"));
            assertEquals(ErrorType.UNAUTHENTICATED, e.type());
            assertEquals(LdapProvider.WRONG_CREDENTIALS, e.getMessage());
            assertEquals(0, binds.getOrDefault("CN=Bob Gone," + STAFF, new AtomicInteger()).get());
            assertEquals(DirectoryStatus.State.DISABLED, ad.lookup("bob").state());
        }
    }

    /** Answers (member:1.2.840.113556.1.4.1941:=DN) with every group that reaches DN through member links, as AD does. */
    private static final class InChainLikeADomainController extends InMemoryOperationInterceptor {
        @Override
        public void processSimpleBindRequest(InMemoryInterceptedSimpleBindRequest request) {
            binds.computeIfAbsent(request.getRequest().getBindDN(), dn -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
            Filter filter = request.getRequest().getFilter();
            if (filter.getFilterType() != Filter.FILTER_TYPE_EXTENSIBLE_MATCH
                    || !DirectoryGroups.IN_CHAIN.equals(filter.getMatchingRuleID())) {
                return;
            }
            String member = filter.getAssertionValue();
            inChainQueries.add(member);
            Set<String> reached = new LinkedHashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(member));
            while (!todo.isEmpty() && reached.size() < 1000) {
                String dn = todo.poll();
                for (SearchResultEntry group : directory.search(new SearchRequest(request.getRequest().getBaseDN(),
                        SearchScope.SUB, Filter.createEqualityFilter("member", dn))).getSearchEntries()) {
                    if (reached.add(group.getDN())) {
                        todo.add(group.getDN());
                        request.sendSearchEntry(new Entry(group.getDN()));
                    }
                }
            }
            SearchRequest nothingMore = request.getRequest().duplicate();
            nothingMore.setFilter(Filter.createEqualityFilter("objectClass", "no-such-class-in-chain-answered"));
            request.setRequest(nothingMore);
        }
    }
}

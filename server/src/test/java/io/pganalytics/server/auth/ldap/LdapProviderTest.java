package io.pganalytics.server.auth.ldap;

import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.testing.Slapd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.pganalytics.server.auth.ldap.LdapTesting.provider;
import static io.pganalytics.server.auth.ldap.LdapTesting.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LDAP sign-in against a real OpenLDAP (Debian's slapd, LDAPS and StartTLS), including the attacks of issue 12. */
class LdapProviderTest {
    private static final Logger LOG = LoggerFactory.getLogger(LdapProviderTest.class);
    private static Slapd slapd;

    @BeforeAll
    static void startDirectory() {
        slapd = Slapd.start();
    }

    @AfterAll
    static void stopDirectory() {
        if (slapd != null) {
            slapd.close();
        }
    }

    @Test
    void aUserWhoseGroupMapsToOperatorSignsInAsOperator() {
        try (LdapProvider ldap = provider(slapd, Map.of())) {
            ExternalIdentity alice = ldap.authenticate("alice", Slapd.password("alice"));
            assertEquals(Set.of(Role.OPERATOR), alice.roles());
            assertEquals(Slapd.userDn("alice"), alice.subject());
            assertEquals("alice", alice.username());
            assertEquals("Alice Operator", alice.displayName());
            assertEquals("alice@example.org", alice.email());
            assertTrue(alice.groups().contains("operators"), alice.groups().toString());
            assertEquals("corp", alice.provider());
            assertEquals(Set.of(Role.VIEWER), ldap.authenticate("bob", Slapd.password("bob")).roles());
        }
    }

    @Test
    void filterInjectionInTheUserNameFindsNobodyAndBindsAsNobody() {
        try (LdapProvider ldap = provider(slapd, Map.of())) {
            ldap.authenticate("alice", Slapd.password("alice")); // the pool is up: the binds below would be users'
            long before = slapd.binds();
            for (String name : List.of("*)(uid=*", "admin*", "*", "alice)(|(uid=*", "*)(objectClass=*)(uid=alice")) {
                ApiException e = assertThrows(ApiException.class, () -> ldap.authenticate(name, Slapd.password("admin1")), name);
                assertEquals(ErrorType.UNAUTHENTICATED, e.type(), name);
                assertEquals(LdapProvider.WRONG_CREDENTIALS, e.getMessage(), name);
            }
            assertEquals(before, slapd.binds(), "a refused injected name reached a bind:\n" + slapd.logTail());
        }
    }

    @Test
    void emptyAndWhitespacePasswordsAreRefusedBeforeAnyBind() {
        try (LdapProvider ldap = provider(slapd, Map.of())) {
            long before = slapd.binds();
            long aliceBefore = slapd.bindsAs(Slapd.userDn("alice"));
            for (String password : new String[]{"", " ", "   ", "\t", "\n", " \u2003 "}) {
                ApiException e = assertThrows(ApiException.class, () -> ldap.authenticate("alice", password));
                assertEquals(ErrorType.UNAUTHENTICATED, e.type());
                assertEquals(LdapProvider.WRONG_CREDENTIALS, e.getMessage());
            }
            assertThrows(ApiException.class, () -> ldap.authenticate("alice", null));
            assertEquals(aliceBefore, slapd.bindsAs(Slapd.userDn("alice")), "a blank password reached a bind as alice");
            assertEquals(before, slapd.binds(), "a blank password reached slapd:\n" + slapd.logTail());
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithTheLocalWords() {
        try (LdapProvider ldap = provider(slapd, Map.of())) {
            long aliceBefore = slapd.bindsAs(Slapd.userDn("alice"));
            ApiException e = assertThrows(ApiException.class, () -> ldap.authenticate("alice", "Pw-alice-2025"));
            assertEquals(ErrorType.UNAUTHENTICATED, e.type());
            assertEquals(LdapProvider.WRONG_CREDENTIALS, e.getMessage());
            assertEquals(aliceBefore + 1, slapd.bindsAs(Slapd.userDn("alice")), "the password was checked by slapd");
            ApiException unknown = assertThrows(ApiException.class, () -> ldap.authenticate("nobody", "Some-Password-1"));
            assertEquals(LdapProvider.WRONG_CREDENTIALS, unknown.getMessage());
        }
    }

    @Test
    void aDisabledDirectoryAccountIsRefusedWithoutABind() {
        try (LdapProvider ldap = provider(slapd, Map.of())) {
            long carolBefore = slapd.bindsAs(Slapd.userDn("carol"));
            ApiException e = assertThrows(ApiException.class, () -> ldap.authenticate("carol", Slapd.password("carol")));
            assertEquals(ErrorType.UNAUTHENTICATED, e.type());
            assertEquals(LdapProvider.WRONG_CREDENTIALS, e.getMessage());
            assertEquals(carolBefore, slapd.bindsAs(Slapd.userDn("carol")));
        }
    }

    @Test
    void aUserWithNoMappedGroupIsRefused() {
        try (LdapProvider ldap = provider(slapd, Map.of())) {
            ApiException e = assertThrows(ApiException.class, () -> ldap.authenticate("dave", Slapd.password("dave")));
            assertEquals(ErrorType.UNAUTHENTICATED, e.type());
            assertEquals(LdapProvider.WRONG_CREDENTIALS, e.getMessage());
        }
    }

    @Test
    void nestedGroupsAreWalkedOnlyWhenAsked() {
        try (LdapProvider flat = provider(slapd, Map.of());
             LdapProvider nested = provider(slapd, Map.of("nestedGroups", true));
             LdapProvider searched = provider(slapd, Map.of("nestedGroups", true, "groupMode", "search"))) {
            assertEquals(Set.of(Role.OPERATOR), flat.authenticate("alice", Slapd.password("alice")).roles());
            assertEquals(Set.of(Role.OPERATOR, Role.ADMIN), nested.authenticate("alice", Slapd.password("alice")).roles());
            assertEquals(Set.of(Role.OPERATOR, Role.ADMIN), searched.authenticate("alice", Slapd.password("alice")).roles());
        }
    }

    @Test
    void startTlsWorksWithTheRightCaAndIsRefusedWithAWrongOne() {
        Map<String, Object> startTls = Map.of("url", slapd.ldapUrl(), "startTls", true);
        try (LdapProvider ldap = provider(slapd, startTls)) {
            assertEquals(Set.of(Role.OPERATOR), ldap.authenticate("alice", Slapd.password("alice")).roles());
        }
        Map<String, Object> wrongCa = new HashMap<>(startTls);
        wrongCa.put("caFile", slapd.otherCaFile().toString());
        try (LdapProvider ldap = provider(slapd, wrongCa)) {
            long aliceBefore = slapd.bindsAs(Slapd.userDn("alice"));
            long before = slapd.binds();
            ApiException e = assertThrows(ApiException.class, () -> ldap.authenticate("alice", Slapd.password("alice")));
            assertEquals(ErrorType.UNAVAILABLE, e.type(), e.getMessage());
            assertEquals(aliceBefore, slapd.bindsAs(Slapd.userDn("alice")));
            assertEquals(before, slapd.binds(), "a bind went over an untrusted StartTLS session");
        }
    }

    @Test
    void ldapsWithAWrongCaIsRefused() {
        try (LdapProvider ldap = provider(slapd, Map.of("caFile", slapd.otherCaFile().toString()))) {
            long before = slapd.binds();
            ApiException e = assertThrows(ApiException.class, () -> ldap.authenticate("alice", Slapd.password("alice")));
            assertEquals(ErrorType.UNAVAILABLE, e.type());
            assertEquals(before, slapd.binds());
        }
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefusedOverLdapsAndStartTls() {
        for (Map<String, Object> overrides : List.<Map<String, Object>>of(Map.of("url", slapd.misnamedLdapsUrl()),
                Map.of("url", slapd.misnamedLdapUrl(), "startTls", true))) {
            try (LdapProvider ldap = provider(slapd, overrides)) {
                long before = slapd.binds();
                ApiException e = assertThrows(ApiException.class, () -> ldap.authenticate("alice", Slapd.password("alice")),
                        overrides.toString());
                assertEquals(ErrorType.UNAVAILABLE, e.type(), overrides + ": " + e.getMessage());
                assertEquals(before, slapd.binds(), overrides + ": a bind went to a server of the wrong name");
            }
        }
        // the same directory through the name its certificate holds
        try (LdapProvider ldap = provider(slapd, Map.of("url", slapd.ldapsUrl()))) {
            assertEquals(Set.of(Role.OPERATOR), ldap.authenticate("alice", Slapd.password("alice")).roles());
        }
    }

    @Test
    void plainLdapIsRefusedUnlessExplicitlyAllowed() {
        ApiException e = assertThrows(ApiException.class, () -> provider(slapd, Map.of("url", slapd.ldapUrl())));
        assertEquals(ErrorType.VALIDATION_FAILED, e.type());
        assertTrue(e.details().stream().map(ErrorDetail::field).toList().contains("settings.url"), e.details().toString());
        try (LdapProvider ldap = provider(slapd, Map.of("url", slapd.ldapUrl(), "allowPlaintext", true))) {
            assertEquals(Set.of(Role.OPERATOR), ldap.authenticate("alice", Slapd.password("alice")).roles());
        }
    }

    @Test
    void wrongSettingsAreNamed() {
        ApiException e = assertThrows(ApiException.class, () -> LdapTesting.provider(LdapTesting.definition("corp",
                Map.of("url", "ldaps://127.0.0.1:1", "userFilter", "(uid=x)", "poolSize", 0, "groupMode", "magic",
                        "surprise", 1))));
        assertEquals(ErrorType.VALIDATION_FAILED, e.type());
        List<String> fields = e.details().stream().map(ErrorDetail::field).toList();
        for (String field : List.of("settings.caFile", "settings.bindDn", "settings.userBaseDn", "settings.userFilter",
                "settings.poolSize", "settings.groupMode", "settings.surprise")) {
            assertTrue(fields.contains(field), field + " not in " + fields);
        }
    }

    @Test
    @Timeout(60)
    void aDirectoryThatNeverAnswersIsUnavailableNotAHang() throws Exception {
        try (LdapTesting.SilentDirectory silent = new LdapTesting.SilentDirectory()) {
            for (Map<String, Object> overrides : List.<Map<String, Object>>of(
                    Map.of("url", "ldaps://127.0.0.1:" + silent.port()),
                    Map.of("url", "ldap://127.0.0.1:" + silent.port(), "startTls", true),
                    Map.of("url", "ldap://127.0.0.1:" + silent.port(), "allowPlaintext", true))) {
                Map<String, Object> s = new HashMap<>(overrides);
                s.put("connectTimeout", "1s");
                s.put("responseTimeout", "1s");
                try (LdapProvider ldap = provider(slapd, s)) {
                    long start = System.nanoTime();
                    ApiException e = assertThrows(ApiException.class, () -> ldap.authenticate("alice", Slapd.password("alice")));
                    assertEquals(ErrorType.UNAVAILABLE, e.type(), overrides + ": " + e.getMessage());
                    assertTrue(e.getMessage().contains("corp") && e.getMessage().contains("cannot be reached"), e.getMessage());
                    LOG.info("LDAP {}: {} after {} ms", overrides.get("url"), e.getMessage(), (System.nanoTime() - start) / 1_000_000);
                }
            }
            assertTrue(silent.accepted() > 0, "the silent directory was never contacted");
        }
    }

    @Test
    void testConnectionSaysWhatItFound() {
        try (LdapProvider ldap = provider(slapd, Map.of())) {
            String said = ldap.test();
            assertTrue(said.contains("10 user(s) under " + Slapd.PEOPLE), said);
            assertTrue(said.contains(Slapd.SERVICE_DN), said);
        }
        try (LdapProvider ldap = provider(slapd, Map.of("userBaseDn", "ou=nobody," + Slapd.SUFFIX))) {
            ApiException e = assertThrows(ApiException.class, ldap::test);
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        }
    }

    @Test
    void theLookupSeesGroupChangesRemovalsAndLocks() throws Exception {
        try (LdapProvider ldap = provider(slapd, Map.of()); var root = slapd.root()) {
            assertEquals(DirectoryStatus.State.ACTIVE, ldap.lookup("ivan").state());
            root.modify(Slapd.groupDn("contractors"), new Modification(ModificationType.ADD, "member", Slapd.userDn("ivan")));
            root.modify(Slapd.groupDn("operators"), new Modification(ModificationType.DELETE, "member", Slapd.userDn("ivan")));
            assertEquals(DirectoryStatus.State.NO_ROLE, ldap.lookup("ivan").state());
            assertEquals(DirectoryStatus.State.GONE, ldap.lookup("nobody-at-all").state());
            assertEquals(DirectoryStatus.State.DISABLED, ldap.lookup("carol").state());
        }
    }
}

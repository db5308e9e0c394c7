package io.pganalytics.console.api;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.console.testing.Workload;
import io.pganalytics.common.query.IndexStat;
import io.pganalytics.common.query.InstanceSummary;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's HTTP client against a real server on embedded PostgreSQL, over real HTTPS with its generated certificate. */
@Tag("fault-and-attack")
class HttpConsoleApiTest {
    private static TestServer server;
    private static ServerAddress address;

    @TempDir
    Path home;

    @BeforeAll
    static void startServer() {
        server = TestServer.start("console-api");
        address = ServerAddress.parse(server.url());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void firstContactShowsTheFingerprintTheServerLogs() {
        HttpConnector connector = new HttpConnector(new ConsoleHome(home));
        Probe probe = connector.probe(address);
        assertEquals(Probe.Verdict.NEW_CERTIFICATE, probe.verdict());
        assertEquals(server.fingerprint(), probe.fingerprint());
    }

    @Test
    void aPinnedCertificateIsTrustedNextTime() {
        HttpConnector connector = new HttpConnector(new ConsoleHome(home));
        connector.trust(connector.probe(address));
        assertEquals(Probe.Verdict.PINNED, connector.probe(address).verdict());
        assertEquals(server.fingerprint(), connector.knownServers().getFirst().fingerprint());
    }

    @Test
    void aChangedCertificateIsReportedAndNothingIsSent() {
        HttpConnector connector = new HttpConnector(new ConsoleHome(home));
        connector.servers().trust(address, "AA:".repeat(31) + "AA");
        Probe probe = connector.probe(address);
        assertEquals(Probe.Verdict.CERTIFICATE_CHANGED, probe.verdict());
        assertEquals(server.fingerprint(), probe.fingerprint());
        ApiException refused = assertThrows(ApiException.class, () -> connector.open(address).login("admin", TestServers.ADMIN_PASSWORD));
        assertEquals(ApiException.Kind.CERTIFICATE_CHANGED, refused.kind());
    }

    @Test
    void aWrongPasswordIsRefusedWithTheServersSentence() {
        ConsoleApi api = pinnedApi();
        ApiException refused = assertThrows(ApiException.class, () -> api.login("admin", "not-the-password-at-all"));
        assertEquals(ApiException.Kind.REJECTED, refused.kind());
        assertTrue(refused.is(ErrorType.UNAUTHENTICATED), refused.getMessage());
        assertTrue(Character.isUpperCase(refused.getMessage().charAt(0)) && refused.getMessage().endsWith("."), refused.getMessage());
    }

    @Test
    void theRefreshTokenIsStoredOwnerOnlyAndResumesTheSession() throws Exception {
        ConsoleApi api = pinnedApi();
        UserView user = api.login("admin", TestServers.ADMIN_PASSWORD);
        assertEquals("admin", user.username());
        Path file = new RefreshTokens(new ConsoleHome(home)).file(address);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.readString(file).contains(".") && Files.readString(file).contains("accessToken"), "no access token on disk");

        ConsoleApi restarted = new HttpConnector(new ConsoleHome(home)).open(address);
        assertEquals("admin", restarted.resume().orElseThrow().username());
        assertEquals("admin", restarted.rememberedUsername().orElseThrow());
        // the old refresh token was spent by the resume: the first client's next refresh fails as "session expired"
        assertNotEquals(Files.readString(file), "");
    }

    @Test
    void signingOutForgetsTheSession() {
        ConsoleApi api = pinnedApi();
        api.login("admin", TestServers.ADMIN_PASSWORD);
        api.logout();
        assertTrue(api.user().isEmpty());
        assertTrue(new HttpConnector(new ConsoleHome(home)).open(address).resume().isEmpty());
        ApiException expired = assertThrows(ApiException.class, () -> api.instances(10));
        assertEquals(ApiException.Kind.SESSION_EXPIRED, expired.kind());
    }

    @Test
    void aStoppedAddressIsUnreachable() {
        ServerAddress nowhere = ServerAddress.parse("https://127.0.0.1:" + TestServers.freePort());
        ApiException e = assertThrows(ApiException.class, () -> new HttpConnector(new ConsoleHome(home)).probe(nowhere));
        assertEquals(ApiException.Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    }

    @Test
    void readsWhatTheIngestStored() {
        Workload workload = Workload.register(server);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        workload.send(now.minusSeconds(120), 600, 12);
        workload.send(now.minusSeconds(60), 660, 14);
        ConsoleApi api = pinnedApi();
        api.login("admin", TestServers.ADMIN_PASSWORD);
        InstanceSummary instance = api.instances(100).items().stream().filter(i -> i.name().equals(Workload.INSTANCE)).findFirst().orElseThrow();
        Instant from = now.minusSeconds(3600);
        Instant to = now.plusSeconds(60);
        assertFalse(api.series(instance.id(), "tps", from, to).points().isEmpty(), "tps points");
        assertTrue(api.topQueries(instance.id(), from, to, "total_time", 10).items().stream()
                .anyMatch(q -> Workload.STATEMENT.equals(q.text()) && q.queryid() == Workload.QUERYID), "the workload's statement");
        assertEquals(Workload.QUERYID, api.query(instance.id(), Workload.QUERYID, from, to).queryid(), "a 64-bit queryid read back exactly");
        assertFalse(api.tables(instance.id(), from, to, 100).items().isEmpty(), "tables");
        assertTrue(api.indexes(instance.id(), from, to, 100).items().stream().anyMatch(IndexStat::unused), "an unused index");
    }

    @Test
    void addressesAreMadeCanonical() {
        assertEquals("https://pga.example.com:8443", ServerAddress.parse("PGA.example.com").toString());
        assertEquals("https://10.0.0.5:9443", ServerAddress.parse("https://10.0.0.5:9443/api/v1/").toString());
        assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse("ftp://x"));
        assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(" "));
    }

    private ConsoleApi pinnedApi() {
        HttpConnector connector = new HttpConnector(new ConsoleHome(home));
        connector.trust(connector.probe(address));
        return connector.open(address);
    }
}

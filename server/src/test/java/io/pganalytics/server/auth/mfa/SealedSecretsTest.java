package io.pganalytics.server.auth.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.crypto.SealContext;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestProviderKinds;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.pganalytics.server.auth.mfa.MfaTesting.PASSWORD;
import static io.pganalytics.server.auth.mfa.MfaTesting.challengeOf;
import static io.pganalytics.server.auth.mfa.MfaTesting.createUser;
import static io.pganalytics.server.auth.mfa.MfaTesting.enrolTotp;
import static io.pganalytics.server.auth.mfa.MfaTesting.login;
import static io.pganalytics.server.auth.mfa.MfaTesting.tokensOf;
import static io.pganalytics.server.auth.mfa.MfaTesting.totp;
import static io.pganalytics.server.auth.mfa.MfaTesting.userId;
import static io.pganalytics.server.auth.mfa.MfaTesting.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's secrets at rest (issue 13), looked at raw after real use: the token-signing private keys, identity
 * provider secrets and MFA secrets are sealed in the tables and in the database's files; a sealed value that was
 * altered, moved to another row or names another data key is refused naming the record; values an earlier version
 * stored in the clear are sealed at start.
 */
class SealedSecretsTest {
    private static final String SEALED_TABLES = "auth_signing_key,auth_identity_provider,auth_mfa_factor";

    @Test
    void aRawLookAtTheTablesAndTheDatabaseFilesFindsNoSecretInTheClear() throws Exception {
        String url = SharedPostgres.newDatabase("sealed_raw");
        String bindSecret = "Bind-Secret-" + UUID.randomUUID();
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), Map.of(), Clock.systemUTC(), TestProviderKinds.all())) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            String name = createUser(api, admin, "viewer");
            String token = tokensOf(login(api, name, PASSWORD));
            long userId = userId(api, token);
            String totpSecret = enrolTotp(api, token, Instant.now()).secret();
            ApiClient.Response created = api.post("/admin/identity-providers", admin, provider("corp-raw", bindSecret));
            assertEquals(201, created.status(), created.body());

            List<byte[]> clear = new ArrayList<>();
            clear.add(bindSecret.getBytes(StandardCharsets.UTF_8));
            clear.add(OneTimePasswords.fromBase32(totpSecret).orElseThrow());
            clear.add(totpSecret.getBytes(StandardCharsets.UTF_8));
            try (Connection connection = connect(url)) {
                List<byte[]> pkcs8 = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT kid, private_key FROM auth_signing_key")) {
                    while (rows.next()) {
                        byte[] stored = rows.getBytes(2);
                        // what the stored value holds, opened if sealed: the private key itself
                        pkcs8.add(Envelope.isSealed(stored) ? server.crypto().sealer().open(
                                SealContext.record("auth_signing_key", "private_key", rows.getString(1)), stored) : stored);
                    }
                }
                assertFalse(pkcs8.isEmpty(), "a signing key exists");
                clear.addAll(pkcs8);
                byte[] mfa = column(connection, "SELECT method, secret FROM auth_mfa_factor WHERE user_id = " + userId).getFirst();
                assertTrue(Envelope.isSealed(mfa), "the TOTP secret is sealed");
                for (String table : SEALED_TABLES.split(",")) {
                    for (byte[] row : column(connection, "SELECT 1, convert_to(t::text, 'UTF8') FROM " + table + " t")) {
                        assertNoneIn(row, clear, "a row of " + table + " as text");
                    }
                    for (byte[] row : column(connection, "SELECT 1, convert_to(t::text, 'UTF8') FROM " + table + " t")) {
                        String hex = new String(row, StandardCharsets.UTF_8);
                        for (byte[] secret : clear) {
                            assertFalse(hex.contains(HexFormat.of().formatHex(secret)), "a row of " + table + " holds a secret in hex");
                        }
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CHECKPOINT");
                }
                Path pgData = Path.of(string(connection, "SHOW data_directory"));
                assertNoneInFiles(pgData, clear, "the database's files");
                assertNoneInFiles(server.dataDir(), clear, "the server's data directory");
            }
        }
    }

    @Test
    void aTamperedSealedValueIsRefusedWithAClearErrorNamingTheRecord() throws Exception {
        String url = SharedPostgres.newDatabase("sealed_tamper");
        String secretA = "Secret-A-" + UUID.randomUUID();
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), Map.of(), Clock.systemUTC(), TestProviderKinds.all());
             Connection connection = connect(url)) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();

            // a flipped byte in a sealed MFA secret
            String flipped = createUser(api, admin, "viewer");
            long flippedId = userId(api, tokensOf(login(api, flipped, PASSWORD)));
            String flippedSecret = enrolTotp(api, tokensOf(login(api, flipped, PASSWORD)), Instant.now()).secret();
            update(connection, "UPDATE auth_mfa_factor SET secret = overlay(secret placing decode(lpad(to_hex(get_byte(secret, 30) # 1), 2, '0'), 'hex') from 31 for 1) WHERE user_id = " + flippedId);
            assertRefusedNaming(signInWithCode(api, flipped, flippedSecret), "auth_mfa_factor.secret of row " + flippedId + ":totp", flippedSecret);

            // a value whose header names another data key
            String otherKey = createUser(api, admin, "viewer");
            long otherKeyId = userId(api, tokensOf(login(api, otherKey, PASSWORD)));
            String otherKeySecret = enrolTotp(api, tokensOf(login(api, otherKey, PASSWORD)), Instant.now()).secret();
            update(connection, "UPDATE auth_mfa_factor SET secret = overlay(secret placing '\\x000003e7'::bytea from 5 for 4) WHERE user_id = " + otherKeyId);
            assertRefusedNaming(signInWithCode(api, otherKey, otherKeySecret), "auth_mfa_factor.secret of row " + otherKeyId + ":totp names data key 999", otherKeySecret);

            // a provider's secrets moved to another provider's row
            assertEquals(201, api.post("/admin/identity-providers", admin, provider("corp-a", secretA)).status());
            assertEquals(201, api.post("/admin/identity-providers", admin, provider("corp-b", "Secret-B-" + UUID.randomUUID())).status());
            update(connection, "UPDATE auth_identity_provider SET secrets_sealed = (SELECT secrets_sealed FROM auth_identity_provider WHERE name = 'corp-a')"
                    + " WHERE name = 'corp-b'");
            assertRefusedNaming(api.get("/admin/identity-providers/corp-b", admin), "auth_identity_provider.secrets_sealed of row corp-b", secretA);
            assertEquals(200, api.get("/admin/identity-providers/corp-a", admin).status(), "the other provider is unharmed");
        }
    }

    @Test
    void valuesAnEarlierVersionStoredInTheClearAreSealedAtStartAndTheClearCopiesErased() throws Exception {
        String url = SharedPostgres.newDatabase("sealed_upgrade");
        Map<String, String> settings = Map.of(); // the nodes on this database share their key store (TestServers)
        String bindSecret = "Old-Bind-Secret-" + UUID.randomUUID();
        String name;
        long userId;
        byte[] totpSecret = new byte[20];
        new java.security.SecureRandom().nextBytes(totpSecret);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        String kid = "old-key-" + UUID.randomUUID().toString().substring(0, 8);
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), settings, Clock.systemUTC(), TestProviderKinds.all())) {
            ApiClient api = new ApiClient(server);
            name = createUser(api, api.loginAdmin(), "viewer");
            userId = userId(api, tokensOf(login(api, name, PASSWORD)));
        }
        try (Connection connection = connect(url)) {
            // rows as the earlier version wrote them: the secrets as they are
            update(connection, "DELETE FROM auth_signing_key");
            java.security.interfaces.ECPublicKey publicKey = (java.security.interfaces.ECPublicKey) pair.getPublic();
            String jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + coordinate(publicKey.getW().getAffineX()) + "\",\"y\":\""
                    + coordinate(publicKey.getW().getAffineY()) + "\",\"kid\":\"" + kid + "\",\"alg\":\"ES256\",\"use\":\"sig\"}";
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO auth_signing_key (kid, algorithm, public_jwk, private_key, created_at)"
                    + " VALUES (?, 'ES256', ?, ?, now())")) {
                insert.setString(1, kid);
                insert.setString(2, jwk);
                insert.setBytes(3, pair.getPrivate().getEncoded());
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO auth_mfa_factor (user_id, method, secret, created_at) VALUES (?, 'totp', ?, now())")) {
                insert.setLong(1, userId);
                insert.setBytes(2, totpSecret);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO auth_identity_provider (name, kind, display_name, origin, settings, secrets,"
                    + " role_mapping, created_at, updated_at) VALUES ('corp-old', ?, 'Old', 'api', '{\"directory\":\"old\"}', CAST(? AS jsonb),"
                    + " '{\"rules\":[],\"defaultRole\":\"viewer\"}', now(), now())")) {
                insert.setString(1, TestProviderKinds.DIRECTORY);
                insert.setString(2, "{\"bindPassword\":\"" + bindSecret + "\"}");
                insert.executeUpdate();
            }
        }
        // two nodes starting at once: each value is sealed once
        TestServers.TwoNodes nodes = TestServers.startTwo(url, settings, settings, TestProviderKinds.all());
        try (PgAnalyticsServer a = nodes.a(); PgAnalyticsServer b = nodes.b(); Connection connection = connect(url)) {
            List<byte[]> clear = List.of(bindSecret.getBytes(StandardCharsets.UTF_8), totpSecret, pair.getPrivate().getEncoded());
            byte[] key = column(connection, "SELECT kid, private_key FROM auth_signing_key WHERE kid = '" + kid + "'").getFirst();
            assertTrue(Envelope.isSealed(key), "the clear signing key was sealed");
            assertTrue(Envelope.isSealed(column(connection, "SELECT method, secret FROM auth_mfa_factor WHERE user_id = " + userId).getFirst()));
            assertEquals("{}", string(connection, "SELECT secrets::text FROM auth_identity_provider WHERE name = 'corp-old'"));
            for (String table : SEALED_TABLES.split(",")) {
                for (byte[] row : column(connection, "SELECT 1, convert_to(t::text, 'UTF8') FROM " + table + " t")) {
                    assertNoneIn(row, clear, "a row of " + table);
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CHECKPOINT");
                }
                Path pgData = Path.of(string(connection, "SHOW data_directory"));
                Path file = pgData.resolve(string(connection, "SELECT pg_relation_filepath('" + table + "')"));
                assertNoneIn(Files.readAllBytes(file), clear, "the table file of " + table + " (the clear copies erased)");
            }
            // and they still work: the old key signs, the old TOTP secret gives codes, the provider keeps its secret
            ApiClient api = new ApiClient(a);
            String code = OneTimePasswords.totp(totpSecret, OneTimePasswords.step(Instant.now().toEpochMilli(), 30), 6, OneTimePasswords.HMAC_SHA1);
            ApiClient.Response verified = verify(api, challengeOf(login(api, name, PASSWORD)), "totp", code);
            assertEquals(200, verified.status(), verified.body());
            assertTrue(api.get("/auth/jwks", null).body().contains(kid), "the upgraded key still signs and verifies");
            JsonNode old = api.get("/admin/identity-providers/corp-old", api.loginAdmin()).json();
            assertEquals("[\"bindPassword\"]", old.get("secretsSet").toString());
        }
    }

    /** A sign-in with password and TOTP code: the first answer that is not a success (the password step reads the factors). */
    private static ApiClient.Response signInWithCode(ApiClient api, String name, String base32Secret) {
        ApiClient.Response password = api.post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}");
        if (password.status() != 200) {
            return password;
        }
        return verify(api, challengeOf(password.json()), "totp", totp(base32Secret, Instant.now(), 0));
    }

    private static String provider(String name, String secret) {
        return "{\"name\":\"" + name + "\",\"kind\":\"" + TestProviderKinds.DIRECTORY + "\",\"displayName\":\"Directory " + name
                + "\",\"enabled\":true,\"settings\":{\"directory\":\"" + name + "\"},\"secrets\":{\"bindPassword\":\"" + secret + "\"},"
                + "\"roleMapping\":{\"rules\":[],\"defaultRole\":\"viewer\"}}";
    }

    private static String coordinate(java.math.BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    private static void assertRefusedNaming(ApiClient.Response response, String record, String secret) {
        assertEquals(500, response.status(), response.body());
        assertTrue(response.body().contains(record), "the error names " + record + ": " + response.body());
        assertFalse(response.body().contains(secret), "no secret in the answer");
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, "postgres", null);
    }

    private static void update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            assertTrue(statement.executeUpdate(sql) >= 1, sql);
        }
    }

    private static String string(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertTrue(rows.next(), sql);
            return rows.getString(1);
        }
    }

    /** The second column of every row. */
    private static List<byte[]> column(Connection connection, String sql) throws SQLException {
        List<byte[]> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getBytes(2));
            }
        }
        return values;
    }

    private static void assertNoneInFiles(Path root, List<byte[]> secrets, String where) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (IOException e) {
                    continue; // a file removed while walking (a temporary of PostgreSQL's)
                }
                assertNoneIn(content, secrets, where + ": " + root.relativize(file));
            }
        }
    }

    private static void assertNoneIn(byte[] haystack, List<byte[]> secrets, String where) {
        for (byte[] secret : secrets) {
            assertFalse(indexOf(haystack, secret) >= 0, where + " holds a secret in the clear (" + secret.length + " bytes)");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

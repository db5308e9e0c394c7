package io.pganalytics.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.testing.ApiClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the sealed-at-ingest tests share (statement texts, settings values): a collector registered over HTTP, batches
 * sent through the real ingest path, and a byte search of the database's files for a value that must not be there.
 */
final class SealedIngest {
    private SealedIngest() {
    }

    /** Registers a collector with a fresh token; its credential. */
    static String register(ApiClient api, String admin) {
        String token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"sealed ingest\"}").json().get("token").asText();
        ApiClient.Response registered = api.post("/collectors/register", null,
                "{\"token\":\"" + token + "\",\"name\":\"c-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"hostname\":\"h1\",\"collectorVersion\":\"3.5.0\"}");
        assertEquals(201, registered.status(), registered.body());
        return registered.json().get("credential").asText();
    }

    /** Sends one batch of these snapshots (gzip, with its idempotency key) and expects it stored. */
    static void ingest(ApiClient api, String credential, String snapshots) {
        String id = "sealed-" + UUID.randomUUID();
        send(api, credential, id, gzip(IngestServiceTest.batch(id, snapshots)));
    }

    /** Sends a gzipped batch whose id is {@code id} and expects it stored. */
    static void send(ApiClient api, String credential, String id, byte[] gzippedBatch) {
        HttpRequest request = api.request("/ingest", credential).header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .header("Idempotency-Key", id).POST(HttpRequest.BodyPublishers.ofByteArray(gzippedBatch)).build();
        ApiClient.Response response = api.send(request);
        assertEquals(200, response.status(), response.body());
    }

    static JsonNode ok(ApiClient api, String token, String path) {
        ApiClient.Response response = api.get(path, token);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The first column of the first row of {@code sql}. */
    static String string(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertTrue(rows.next(), sql);
            return rows.getString(1);
        }
    }

    /** Fails naming the file when any file under {@code root} holds {@code secret} ({@code what} says what it is). */
    static void assertNotInFiles(Path root, byte[] secret, String what) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (IOException e) {
                    continue; // removed while walking
                }
                outer:
                for (int i = 0; i <= content.length - secret.length; i++) {
                    for (int j = 0; j < secret.length; j++) {
                        if (content[i + j] != secret[j]) {
                            continue outer;
                        }
                    }
                    throw new AssertionError(root.relativize(file) + " holds " + what + " in the clear");
                }
            }
        }
    }
}

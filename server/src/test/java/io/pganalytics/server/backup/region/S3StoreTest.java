package io.pganalytics.server.backup.region;

import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link S3Store} against a real S3 API server (s3proxy on a filesystem backend). */
class S3StoreTest {
    @TempDir
    static Path dir;
    private static S3ProxyServer s3;

    @BeforeAll
    static void start() {
        s3 = new S3ProxyServer(dir.resolve("s3"));
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private static S3Store store(String prefix) {
        return S3Store.open(s3.config(prefix), s3.environment(), S3Store.MIN_PART_SIZE);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(BackupStore store, String name) throws IOException {
        try (InputStream in = store.read(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void smallAndMultipartObjectsComeBackWholeAndAreListedUnderTheirNames() throws IOException {
        try (S3Store store = store("rt-" + UUID.randomUUID())) {
            byte[] small = random(1000, 1);
            byte[] large = random(2 * S3Store.MIN_PART_SIZE + 12345, 2);  // three parts
            store.write("wal/000000010000000000000001.pgab", out -> out.write(small));
            store.write("backups/b1/base.tar.pgab", out -> {
                for (int off = 0; off < large.length; off += 100_000) {
                    out.write(large, off, Math.min(100_000, large.length - off));
                }
            });

            assertArrayEquals(small, read(store, "wal/000000010000000000000001.pgab"));
            assertArrayEquals(large, read(store, "backups/b1/base.tar.pgab"));
            List<BackupStore.StoredObject> listed = store.list("");
            assertEquals(List.of("backups/b1/base.tar.pgab", "wal/000000010000000000000001.pgab"),
                    listed.stream().map(BackupStore.StoredObject::name).toList());
            assertEquals(large.length, listed.get(0).size());
            assertEquals(List.of("wal/000000010000000000000001.pgab"), store.list("wal/").stream().map(BackupStore.StoredObject::name).toList());
            assertTrue(store.exists("backups/b1/base.tar.pgab"));

            store.delete("backups/b1/base.tar.pgab");
            store.delete("backups/b1/base.tar.pgab");  // deleting what is not there is fine
            assertFalse(store.exists("backups/b1/base.tar.pgab"));
            assertThrows(NoSuchFileException.class, () -> store.read("backups/b1/base.tar.pgab"));
            assertTrue(store.location().startsWith("s3://" + S3ProxyServer.BUCKET + "/rt-"), store.location());
            assertFalse(store.location().contains("test-secret"), "no secret in the location");
        }
    }

    @Test
    void aMultipartWriteThatFailsMidwayLeavesNothing() throws IOException {
        try (S3Store store = store("fail-" + UUID.randomUUID())) {
            byte[] part = random(S3Store.MIN_PART_SIZE, 3);
            IOException failure = assertThrows(IOException.class, () -> store.write("backups/b2/base.tar.pgab", out -> {
                out.write(part);
                out.write(part);  // two parts uploaded by now
                out.write(part, 0, 1000);
                throw new IOException("the source disk failed");
            }));

            assertEquals("the source disk failed", failure.getMessage());
            assertFalse(store.exists("backups/b2/base.tar.pgab"));
            assertEquals(List.of(), store.list(""));
            try (Stream<Path> files = Files.walk(s3.bucketDir())) {
                List<Path> left = files.filter(Files::isRegularFile).filter(p -> p.toString().contains("b2")).toList();
                assertEquals(List.of(), left, "no part of the failed upload is left in the bucket");
            }
        }
    }

    @Test
    void aSinglePartWriteThatFailsLeavesNothing() throws IOException {
        try (S3Store store = store("fail1-" + UUID.randomUUID())) {
            assertThrows(IOException.class, () -> store.write("wal/000000010000000000000009.pgab", out -> {
                out.write(random(1000, 4));
                throw new IOException("cut short");
            }));
            assertFalse(store.exists("wal/000000010000000000000009.pgab"));
        }
    }

    @Test
    void aCredentialVariableThatIsNotSetIsAConfigurationErrorNamingIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> S3Store.open(s3.config("x"), Map.of()));
        assertTrue(e.getMessage().contains(S3ProxyServer.ACCESS_KEY_ENV), e.getMessage());
    }
}

package io.pganalytics.server.backup.region;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.common.crypto.KeyStoreFileKeys;
import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.FileStore;
import io.pganalytics.server.backup.SealedStreams;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The copy job between a primary {@link FileStore} of real sealed objects and a second region that is another directory or
 * a real S3 API server (s3proxy), with the catalogue in a real PostgreSQL.
 */
class SecondRegionCopierTest {
    @TempDir
    static Path shared;
    private static S3ProxyServer s3;
    private static HikariDataSource dataSource;
    private static BackupCatalog catalog;
    private static KeyStoreFileKeys kek;
    private static SealedStreams sealing;
    private static final Random RANDOM = new Random(15);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private FileStore primary;

    @BeforeAll
    static void start() {
        s3 = new S3ProxyServer(shared.resolve("s3"));
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("second_region"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(2);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        catalog = new BackupCatalog(dataSource);
        kek = KeyStoreFileKeys.open(shared.resolve("kek.p12"), "a passphrase for tests".toCharArray(), true, new SecureRandom());
        int version = kek.createVersion();
        sealing = new SealedStreams(kek, () -> version, new SecureRandom());
    }

    @AfterAll
    static void stop() {
        s3.close();
        dataSource.close();
        kek.close();
    }

    @AfterEach
    void closeStores() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private void newPrimary() throws IOException {
        primary = new FileStore(Files.createTempDirectory(shared, "primary"));
    }

    private BackupStore second(String kind) throws IOException {
        if (kind.equals("path")) {
            return new FileStore(Files.createTempDirectory(shared, "second"));
        }
        S3Store store = S3Store.open(s3.config("region-" + UUID.randomUUID()), s3.environment(), S3Store.MIN_PART_SIZE);
        closing.add(store);
        return store;
    }

    private SecondRegionCopier copier(BackupStore second, Clock clock, SecondRegionCopier.Limits limits) {
        return new SecondRegionCopier(primary, second, Optional.of(catalog), Optional.empty(), clock, limits);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private void writeSealed(String name, byte[] content) throws IOException {
        primary.write(name, out -> {
            try (SealedStreams.Sealing sealed = sealing.seal(out, name)) {
                sealed.write(content);
            }
        });
    }

    private byte[] open(BackupStore store, String name) throws IOException {
        try (InputStream in = sealing.open(store.read(name), name)) {
            return in.readAllBytes();
        }
    }

    private static String newSegment() {
        return "00000001" + HexFormat.of().withUpperCase().formatHex(random(8));
    }

    /** A sealed WAL object in the primary and its catalogue row. */
    private String wal() throws IOException {
        String segment = newSegment();
        writeSealed(BackupManifest.walObject(segment), random(50_000));
        long size = primary.list(BackupManifest.walObject(segment)).getFirst().size();
        catalog.wal(new BackupCatalog.Wal(segment, 1, Instant.now(), size, "00", sealing.currentKeyVersion(), null));
        return segment;
    }

    /** A backup in the primary (sealed base, signed manifest) and its complete catalogue row; returns its id. */
    private String backup(int baseBytes) throws IOException {
        String id = "b" + UUID.randomUUID().toString().substring(0, 8);
        String base = BackupManifest.directory(id) + BackupManifest.BASE;
        writeSealed(base, random(baseBytes));
        long stored = primary.list(base).getFirst().size();
        Instant now = Instant.now();
        new BackupManifest(BackupManifest.FORMAT, id, "full", now, now, 1, "0/2000028", "0/2000100", newSegment(), newSegment(), "7000000000000000001",
                17, "START WAL LOCATION: 0/2000028", null, baseBytes, List.of(new BackupManifest.StoredFile(base, baseBytes, stored, "00")),
                sealing.currentKeyVersion()).write(primary, sealing);
        catalog.started(id, "embedded", "full", null, now, "node-a", "schedule");
        catalog.completed(id, new BackupCatalog.Completion(now, now, baseBytes, stored, 1, "0/2000028", "0/2000100", "w", "w", sealing.currentKeyVersion(), "00"));
        return id;
    }

    private void marker() throws IOException {
        primary.write(SecondRegionCopier.MARKER, out -> out.write("{\"systemIdentifier\":\"7000000000000000001\"}".getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> names(BackupStore store) throws IOException {
        List<String> names = new ArrayList<>(store.list(SecondRegionCopier.MARKER).stream().map(BackupStore.StoredObject::name).toList());
        names.addAll(store.list("backups/").stream().map(BackupStore.StoredObject::name).toList());
        names.addAll(store.list("wal/").stream().map(BackupStore.StoredObject::name).toList());
        return names;
    }

    private static Instant walCopiedAt(String segment) {
        return catalog.walFrom(segment).getFirst().copiedAt();
    }

    @ParameterizedTest
    @ValueSource(strings = {"path", "s3"})
    void copiesEveryObjectMarksTheCatalogueAndLagFallsToZero(String kind) throws IOException {
        newPrimary();
        BackupStore second = second(kind);
        marker();
        String id = backup(300_000);
        String walA = wal();
        String walB = wal();
        SecondRegionCopier copier = copier(second, Clock.systemUTC(), SecondRegionCopier.Limits.DEFAULT);

        SecondRegionCopier.Round round = copier.runOnce(() -> true);

        assertEquals(names(primary), names(second));
        assertEquals(6, round.copied());
        assertEquals(0, round.pending());
        assertEquals(id, BackupManifest.read(second, sealing, id).id(), "the signed manifest opens in the second region");
        String base = BackupManifest.directory(id) + BackupManifest.BASE;
        assertArrayEquals(open(primary, base), open(second, base));
        assertNotNull(catalog.find(id).orElseThrow().copiedAt());
        assertNotNull(walCopiedAt(walA));
        assertNotNull(walCopiedAt(walB));
        RepositoryStatus status = copier.status();
        assertEquals(RepositoryStatus.SECOND_REGION, status.role());
        assertEquals(kind.equals("path") ? "file" : "s3", status.kind());
        assertTrue(status.reachable());
        assertNull(status.error());
        assertEquals(0L, status.lagSeconds());
        assertEquals(primary.list("").stream().mapToLong(BackupStore.StoredObject::size).sum(), status.usedBytes());
        assertNotNull(status.newestAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"path", "s3"})
    void lagIsTheAgeOfTheOldestObjectNotYetCopiedAndTheSignatureComesLast(String kind) throws IOException {
        newPrimary();
        BackupStore second = second(kind);
        String id = backup(100_000);
        wal();
        wal();
        // the base reached the repository last (a rewritten object, a coarse clock): its signature still waits for it
        Files.setLastModifiedTime(primary.root().resolve(BackupManifest.directory(id) + BackupManifest.BASE),
                java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(60)));
        Clock hourLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        SecondRegionCopier copier = copier(second, hourLater, new SecondRegionCopier.Limits(2, 1L << 30, 100));
        String signature = BackupManifest.directory(id) + BackupManifest.SIGNATURE;

        SecondRegionCopier.Round first = copier.runOnce(() -> true);

        assertEquals(2, first.copied());
        assertEquals(3, first.pending());
        assertTrue(copier.status().lagSeconds() >= 3600, "lag " + copier.status().lagSeconds());
        assertFalse(second.exists(signature), "the signature is copied after everything else of its backup");
        assertNull(catalog.find(id).orElseThrow().copiedAt(), "not copied while its signature is not");

        for (int round = 0; round < 5 && copier.status().lagSeconds() > 0; round++) {
            copier.runOnce(() -> true);
            if (second.exists(signature)) {
                assertTrue(second.exists(BackupManifest.directory(id) + BackupManifest.BASE));
                assertTrue(second.exists(BackupManifest.directory(id) + BackupManifest.MANIFEST));
            }
        }
        assertEquals(0L, copier.status().lagSeconds());
        assertEquals(names(primary), names(second));
        assertNotNull(catalog.find(id).orElseThrow().copiedAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"path", "s3"})
    void deletionsOfExpiredObjectsAreMirroredOnlyUnderBackupsAndWal(String kind) throws IOException {
        newPrimary();
        BackupStore second = second(kind);
        marker();
        String expired = backup(50_000);
        String kept = backup(50_000);
        String oldWal = wal();
        String newWal = wal();
        SecondRegionCopier copier = copier(second, Clock.systemUTC(), SecondRegionCopier.Limits.DEFAULT);
        copier.runOnce(() -> true);
        second.write("notes/readme.txt", out -> out.write("kept by the operator".getBytes(StandardCharsets.UTF_8)));
        for (BackupStore.StoredObject object : primary.list(BackupManifest.directory(expired))) {
            primary.delete(object.name());
        }
        primary.delete(BackupManifest.walObject(oldWal));

        SecondRegionCopier.Round round = copier.runOnce(() -> true);

        assertEquals(4, round.deleted());
        assertEquals(List.of(), second.list(BackupManifest.directory(expired)));
        assertFalse(second.exists(BackupManifest.walObject(oldWal)));
        assertTrue(second.exists(BackupManifest.walObject(newWal)));
        assertEquals(kept, BackupManifest.read(second, sealing, kept).id());
        assertTrue(second.exists("notes/readme.txt"), "objects outside backups/ and wal/ are not the copier's");
        assertTrue(second.exists(SecondRegionCopier.MARKER));
    }

    @Test
    void aPrimaryThatLooksLostDoesNotEmptyTheSecondRegion() throws IOException {
        newPrimary();
        BackupStore second = second("path");
        String id = backup(50_000);
        String segment = wal();
        SecondRegionCopier copier = copier(second, Clock.systemUTC(), SecondRegionCopier.Limits.DEFAULT);
        copier.runOnce(() -> true);
        for (BackupStore.StoredObject object : primary.list("")) {
            primary.delete(object.name());
        }

        SecondRegionCopier.Round round = copier.runOnce(() -> true);

        assertEquals(0, round.deleted());
        assertEquals(id, BackupManifest.read(second, sealing, id).id());
        assertTrue(second.exists(BackupManifest.walObject(segment)));
        assertTrue(copier.status().warning().contains("no complete backup"), copier.status().warning());
    }

    @Test
    void anUnreachableEndpointIsReportedWithItsErrorAndTheCopyRecovers() throws Exception {
        newPrimary();
        backup(50_000);
        try (S3ProxyServer own = new S3ProxyServer(shared.resolve("s3-own"))) {
            S3Store store = S3Store.open(own.config("flaky"), own.environment(), S3Store.MIN_PART_SIZE);
            SecondRegion region = new SecondRegion(primary, store, Optional.of(catalog), Optional.empty(), Duration.ofSeconds(1), Clock.systemUTC(),
                    SecondRegionCopier.Limits.DEFAULT);
            closing.add(region);
            region.start();
            Eventually.await(Duration.ofSeconds(60), "in step", () -> region.status().reachable() && Long.valueOf(0).equals(region.status().lagSeconds()));

            own.stop();
            String segment = wal();
            // archived an hour ago, as far as the lag can tell: it grows while the second region cannot be reached
            Files.setLastModifiedTime(primary.root().resolve(BackupManifest.walObject(segment)),
                    java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            Eventually.await(Duration.ofSeconds(60), "the unreachable endpoint reported, the lag growing",
                    () -> !region.status().reachable() && region.status().lagSeconds() != null && region.status().lagSeconds() >= 3600);
            RepositoryStatus down = region.status();
            assertNotNull(down.error());
            assertTrue(down.error().contains(own.endpoint()), down.error());
            assertFalse(down.error().contains("test-secret"), "no secret in the error");

            own.start();
            Eventually.await(Duration.ofSeconds(60), "reachable again and in step",
                    () -> region.status().reachable() && Long.valueOf(0).equals(region.status().lagSeconds()));
            assertNull(region.status().error());
            assertTrue(store.exists(BackupManifest.walObject(segment)));
            assertNotNull(walCopiedAt(segment));
        }
    }

    @Test
    void onlyTheNodeHoldingTheLeaseCopiesTheOthersMeasure() throws IOException {
        newPrimary();
        BackupStore second = second("path");
        wal();
        try (ClusterModule member = HazelcastMembers.single(); JobLeases leases = new JobLeases(member.hazelcast(), Duration.ofSeconds(30))) {
            SecondRegionCopier copier = new SecondRegionCopier(primary, second, Optional.of(catalog), Optional.of(leases),
                    Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)), SecondRegionCopier.Limits.DEFAULT);
            SecondRegionCopier.Round measured;
            try (JobLeases.Lease other = leases.tryAcquire(SecondRegionCopier.LEASE).orElseThrow()) {
                measured = copier.runOnce(() -> true);
                assertTrue(other.held());
            }
            assertFalse(measured.copier());
            assertEquals(List.of(), names(second));
            assertTrue(copier.status().reachable());
            assertTrue(copier.status().lagSeconds() >= 600, "lag " + copier.status().lagSeconds());

            SecondRegionCopier.Round copied = copier.runOnce(() -> true);

            assertTrue(copied.copier());
            assertEquals(names(primary), names(second));
            assertEquals(0L, copier.status().lagSeconds());
        }
    }
}

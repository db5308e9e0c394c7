package io.pganalytics.collector.crypto;

import io.pganalytics.collector.config.CollectorConfig;
import io.pganalytics.collector.config.ConfigLoader;
import io.pganalytics.collector.register.IdentityFile;
import io.pganalytics.collector.register.RegisterCommand;
import io.pganalytics.collector.ship.Quarantine;
import io.pganalytics.collector.spool.BatchSettings;
import io.pganalytics.collector.spool.PayloadCodec;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpoolBatcher;
import io.pganalytics.collector.spool.SpoolSettings;
import io.pganalytics.collector.spool.SpooledBatch;
import io.pganalytics.collector.testing.LogCapture;
import io.pganalytics.collector.testing.Samples;
import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CollectorEncryptionTest {
    private static final String QUERY_TEXT = "SELECT secret_salary FROM payroll_confidential WHERE employee = $1";

    @TempDir
    Path dir;

    private Map<String, String> env(String passphrase) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString());
        if (passphrase != null) {
            env.put(EncryptionSettings.DEFAULT_PASSPHRASE_ENV, passphrase);
        }
        return env;
    }

    private Path config(String encryption) throws IOException {
        return Files.writeString(dir.resolve("collector.yaml"), """
                identity-file: state/identity.json
                spool:
                  dir: state/spool
                %s
                targets: []
                """.formatted(encryption));
    }

    private static Snapshot statements(String text) {
        return new Snapshot(Samples.target("db1"), "statements", Instant.now(), 10.0,
                List.of("queryid", "query", "calls"), List.of(List.of(42L, text, 7)));
    }

    @Test
    void afterRegisteringAndSpoolingTheStateDirectoryHoldsNeitherTheQueryTextNorTheCredential() throws Exception {
        Path configFile = config("");
        Map<String, String> env = env(null);
        String credential;
        try (TestIngestServer server = new TestIngestServer()) {
            server.acceptRegistrationToken("token-1");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = RegisterCommand.run(List.of("--server", server.url().toString(), "--ca-file", server.caFile().toString(),
                    "--token", "token-1", "--config", configFile.toString()), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err), env, "test");
            assertEquals(0, status, err.toString());
        }
        CollectorConfig config = ConfigLoader.load(configFile, env);
        try (CollectorEncryption encryption = CollectorEncryption.open(config.encryption(), env, new SecureRandom())) {
            credential = IdentityFile.read(config.identityFile(), encryption.openingKeys()).credential();
            try (Spool spool = Spool.open(config.spool(), encryption.spoolCodec(), Clock.systemUTC());
                 SpoolBatcher batcher = new SpoolBatcher(spool, BatchSettings.DEFAULTS, "test", Clock.systemUTC()).start()) {
                batcher.publish(List.of(statements(QUERY_TEXT)));
                assertTrue(TestIngestServer.await(Duration.ofSeconds(30), () -> batcher.spooledBatches() == 1), "the batch was spooled");
            }
            try (Spool reopened = Spool.open(config.spool(), encryption.spoolCodec(), Clock.systemUTC())) {
                MetricBatch batch = Samples.parseGzipJson(reopened.next().orElseThrow().payload());
                assertEquals(QUERY_TEXT, batch.snapshots().getFirst().rows().getFirst().get(1), "the spooled batch holds the text");
            }
        }
        assertTrue(credential.startsWith("cred-"), credential);
        Path state = dir.resolve("state");
        assertFalse(stateHolds(state, QUERY_TEXT), "a query text is in the clear (or gzip) under " + state);
        assertFalse(stateHolds(state, credential), "the credential is in the clear under " + state);
        assertTrue(Files.readString(config.identityFile()).contains("\"collectorId\""), "the identity stays readable JSON");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.encryption().keyStore())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.encryption().keyStore().getParent())));
    }

    @Test
    void aRecordFlippedOnDiskIsRefusedAndReportedAndTheRestOfTheSpoolStillShips() throws Exception {
        SpoolSettings settings = new SpoolSettings(dir.resolve("spool"), 1 << 20, 256 * 1024);
        EncryptionSettings keys = EncryptionSettings.defaults(dir.resolve("state"));
        List<byte[]> payloads = new ArrayList<>();
        try (CollectorEncryption encryption = CollectorEncryption.open(keys, env("right"), new SecureRandom());
             Spool spool = Spool.open(settings, encryption.spoolCodec(), Clock.systemUTC())) {
            for (int i = 1; i <= 3; i++) {
                MetricBatch batch = Samples.batch("db1", i, 3);
                payloads.add(Samples.gzipJson(batch));
                spool.append("db1", batch.batchId(), Instant.now(), payloads.getLast());
            }
        }
        Path segment = segments(settings.directory()).getFirst();
        long second = recordLength(segment, 0);
        long flipped = flipInsidePayloadKeepingTheChecksum(segment, second);
        List<Long> markers = new ArrayList<>();
        List<String> logs;
        try (LogCapture capture = new LogCapture("");
             CollectorEncryption encryption = CollectorEncryption.open(keys, env("right"), new SecureRandom());
             Spool spool = Spool.open(settings, encryption.spoolCodec(), Clock.systemUTC())) {
            for (Optional<SpooledBatch> next = spool.next(); next.isPresent(); next = spool.next()) {
                markers.add(Samples.marker(Samples.parseGzipJson(next.get().payload())));
                spool.acknowledge(next.get().sequence());
            }
            logs = capture.lines();
            assertEquals(1, spool.gaps().size(), spool.gaps().toString());
            assertEquals(1, spool.gaps().getFirst().batches());
        }
        assertEquals(List.of(1L, 3L), markers, "batch 2 is refused, 1 and 3 ship");
        String name = segment.getFileName().toString();
        assertTrue(logs.stream().anyMatch(l -> l.contains(name) && l.contains("offset " + second) && l.contains("TAMPERED")
                && l.contains("batch 2")), "flipped byte at " + flipped + ": " + logs);
    }

    @Test
    void aRestartReadsTheSealedSpoolAndAWrongPassphraseRefusesToStartWithAClearMessage() throws Exception {
        SpoolSettings settings = new SpoolSettings(dir.resolve("spool"), 1 << 20, 256 * 1024);
        EncryptionSettings keys = EncryptionSettings.defaults(dir.resolve("state"));
        MetricBatch batch = Samples.batch("db1", 7, 2);
        try (CollectorEncryption encryption = CollectorEncryption.open(keys, env("the right one"), new SecureRandom());
             Spool spool = Spool.open(settings, encryption.spoolCodec(), Clock.systemUTC())) {
            spool.append("db1", batch.batchId(), Instant.now(), Samples.gzipJson(batch));
        }
        CryptoException wrong = assertThrows(CryptoException.class,
                () -> CollectorEncryption.open(keys, env("a wrong one"), new SecureRandom()));
        assertEquals(CryptoException.Reason.WRONG_PASSPHRASE, wrong.reason());
        assertTrue(wrong.getMessage().contains(keys.keyStore().toString())
                && wrong.getMessage().contains(EncryptionSettings.DEFAULT_PASSPHRASE_ENV)
                && !wrong.getMessage().contains("a wrong one"), wrong.getMessage());
        CryptoException none = assertThrows(CryptoException.class, () -> CollectorEncryption.open(keys, env(null), new SecureRandom()));
        assertTrue(none.getMessage().contains("no passphrase is configured"), none.getMessage());
        try (CollectorEncryption encryption = CollectorEncryption.open(keys, env("the right one"), new SecureRandom());
             Spool spool = Spool.open(settings, encryption.spoolCodec(), Clock.systemUTC())) {
            SpooledBatch read = spool.next().orElseThrow();
            assertEquals(7L, Samples.marker(Samples.parseGzipJson(read.payload())));
        }
    }

    @Test
    void aClearSpoolAndIdentityFromAnEarlierVersionAreReadAndNewRecordsAndTheIdentityAreSealed() throws Exception {
        SpoolSettings settings = new SpoolSettings(dir.resolve("state/spool"), 1 << 20, 256 * 1024);
        Path identityFile = dir.resolve("state/identity.json");
        CollectorIdentity identity = new CollectorIdentity("c-9", "clear-credential-from-1.x", "https://server.example");
        IdentityFile.write(identityFile, identity);
        MetricBatch old = Samples.batch("db1", 1, 0);
        try (Spool spool = Spool.open(settings, PayloadCodec.PLAIN, Clock.systemUTC())) {
            spool.append("db1", old.batchId(), Instant.now(), Samples.gzipJson(old));
        }
        EncryptionSettings keys = EncryptionSettings.defaults(dir.resolve("state"));
        List<Long> markers = new ArrayList<>();
        try (CollectorEncryption encryption = CollectorEncryption.open(keys, env("p"), new SecureRandom())) {
            assertEquals(identity.credential(), IdentityFile.readAndSeal(identityFile, encryption.sealingKeys()).credential());
            assertTrue(IdentityFile.isSealed(identityFile));
            assertEquals(identity.credential(), IdentityFile.read(identityFile, encryption.openingKeys()).credential());
            try (Spool spool = Spool.open(settings, encryption.spoolCodec(), Clock.systemUTC())) {
                MetricBatch fresh = Samples.batch("db1", 2, 0);
                spool.append("db1", fresh.batchId(), Instant.now(), Samples.gzipJson(fresh));
                for (Optional<SpooledBatch> next = spool.next(); next.isPresent(); next = spool.next()) {
                    markers.add(Samples.marker(Samples.parseGzipJson(next.get().payload())));
                    spool.acknowledge(next.get().sequence());
                }
            }
        }
        assertEquals(List.of(1L, 2L), markers, "the clear batch drains, the new one is sealed and reads back");
        assertFalse(stateHolds(dir.resolve("state"), identity.credential()));
        assertTrue(Envelope.isSealed(payloadOfLastRecord(segments(settings.directory()).getFirst())), "the new record is sealed");
    }

    @Test
    void keysRotateMakesANewKeySealNewRecordsWhileOlderRecordsStillOpen() throws Exception {
        Path configFile = config("""
                encryption:
                  enabled: true
                """);
        Map<String, String> env = env("rotate-me");
        CollectorConfig config = ConfigLoader.load(configFile, env);
        MetricBatch before = Samples.batch("db1", 1, 0);
        MetricBatch after = Samples.batch("db1", 2, 0);
        try (CollectorEncryption encryption = CollectorEncryption.open(config.encryption(), env, new SecureRandom());
             Spool spool = Spool.open(config.spool(), encryption.spoolCodec(), Clock.systemUTC())) {
            spool.append("db1", before.batchId(), Instant.now(), Samples.gzipJson(before));
            int firstKey = encryption.openingKeys().currentDataKeyId();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = KeysCommand.run(List.of("rotate", "--config", configFile.toString()), new PrintStream(out), new PrintStream(err), env);
            assertEquals(0, status, err.toString());
            assertTrue(out.toString().contains("key-encryption key version 2"), out.toString());
            spool.append("db1", after.batchId(), Instant.now(), Samples.gzipJson(after));
            assertNotEquals(firstKey, encryption.openingKeys().currentDataKeyId(), "the running process noticed the rotation");
            assertEquals(List.of(1L, 2L), List.of(
                    Samples.marker(Samples.parseGzipJson(spool.next().orElseThrow().payload())),
                    nextAfterAcknowledging(spool)));
        }
    }

    @Test
    void aBatchTheServerRefusedIsQuarantinedSealedAndKeysOpenQuarantinedReadsIt() throws Exception {
        Path configFile = config("");
        Map<String, String> env = env("quarantine");
        CollectorConfig config = ConfigLoader.load(configFile, env);
        MetricBatch batch = new MetricBatch(MetricBatch.SCHEMA_VERSION, "batch-q", "test", Instant.now(), List.of(statements(QUERY_TEXT)));
        try (CollectorEncryption encryption = CollectorEncryption.open(config.encryption(), env, new SecureRandom())) {
            Quarantine quarantine = new Quarantine(config.quarantineDirectory(), 1 << 20, 10, Clock.systemUTC(),
                    encryption.quarantineSealer());
            quarantine.put(new SpooledBatch(5, "db1", "batch-q", Instant.now(), Samples.gzipJson(batch)), 422, "refused");
        }
        assertFalse(stateHolds(dir.resolve("state"), QUERY_TEXT), "the quarantined batch's query text is in the clear");
        Path sealed;
        try (Stream<Path> files = Files.list(config.quarantineDirectory())) {
            sealed = files.filter(f -> f.getFileName().toString().endsWith(Quarantine.SEALED_PAYLOAD_SUFFIX)).findFirst().orElseThrow();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, KeysCommand.run(List.of("open-quarantined", "--config", configFile.toString(), "--file", sealed.toString()),
                new PrintStream(out), new PrintStream(err), env), err.toString());
        assertEquals(QUERY_TEXT, Samples.parseGzipJson(out.toByteArray()).snapshots().getFirst().rows().getFirst().get(1));
    }

    @Test
    void turningEncryptionOffIsWarnedAboutStoresNewRecordsInTheClearAndStillReadsTheSealedOnes() throws Exception {
        Map<String, String> env = env("switch");
        CollectorConfig on = ConfigLoader.load(config(""), env);
        MetricBatch sealedBatch = Samples.batch("db1", 1, 0);
        try (CollectorEncryption encryption = CollectorEncryption.open(on.encryption(), env, new SecureRandom());
             Spool spool = Spool.open(on.spool(), encryption.spoolCodec(), Clock.systemUTC())) {
            spool.append("db1", sealedBatch.batchId(), Instant.now(), Samples.gzipJson(sealedBatch));
        }
        CollectorConfig off = ConfigLoader.load(config("encryption:\n  enabled: false\n"), env);
        assertFalse(off.encryption().enabled());
        List<String> logs;
        List<Long> markers = new ArrayList<>();
        try (LogCapture capture = new LogCapture("");
             CollectorEncryption encryption = CollectorEncryption.open(off.encryption(), env, new SecureRandom());
             Spool spool = Spool.open(off.spool(), encryption.spoolCodec(), Clock.systemUTC())) {
            logs = capture.lines();
            assertEquals(null, encryption.sealingKeys());
            assertEquals(null, encryption.quarantineSealer());
            MetricBatch clear = Samples.batch("db1", 2, 0);
            spool.append("db1", clear.batchId(), Instant.now(), Samples.gzipJson(clear));
            for (Optional<SpooledBatch> next = spool.next(); next.isPresent(); next = spool.next()) {
                markers.add(Samples.marker(Samples.parseGzipJson(next.get().payload())));
                spool.acknowledge(next.get().sequence());
            }
        }
        assertEquals(List.of(1L, 2L), markers);
        assertTrue(logs.stream().anyMatch(l -> l.contains("encryption is disabled") && l.contains("in the clear")), logs.toString());
        assertFalse(Envelope.isSealed(payloadOfLastRecord(segments(off.spool().directory()).getFirst())), "the new record is plain");
    }

    @Test
    void aSealedRecordWhoseHeaderWasAlteredToSayPlainIsRefusedNotShipped() throws Exception {
        SpoolSettings settings = new SpoolSettings(dir.resolve("spool"), 1 << 20, 256 * 1024);
        EncryptionSettings keys = EncryptionSettings.defaults(dir.resolve("state"));
        try (CollectorEncryption encryption = CollectorEncryption.open(keys, env("right"), new SecureRandom());
             Spool spool = Spool.open(settings, encryption.spoolCodec(), Clock.systemUTC())) {
            for (int i = 1; i <= 2; i++) {
                MetricBatch batch = Samples.batch("db1", i, 0);
                spool.append("db1", batch.batchId(), Instant.now(), Samples.gzipJson(batch));
            }
        }
        Path segment = segments(settings.directory()).getFirst();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(12);
            channel.read(header, 0);
            int bodyLength = header.getInt(4);
            ByteBuffer body = ByteBuffer.allocate(bodyLength);
            channel.read(body, 12);
            body.array()[1] = PayloadCodec.PLAIN_ID;
            CRC32C crc = new CRC32C();
            crc.update(body.array(), 0, bodyLength);
            channel.write(ByteBuffer.wrap(body.array()), 12);
            channel.write(ByteBuffer.allocate(4).putInt(0, (int) crc.getValue()), 8);
        }
        try (CollectorEncryption encryption = CollectorEncryption.open(keys, env("right"), new SecureRandom());
             Spool spool = Spool.open(settings, encryption.spoolCodec(), Clock.systemUTC())) {
            SpooledBatch first = spool.next().orElseThrow();
            assertEquals(2L, Samples.marker(Samples.parseGzipJson(first.payload())), "batch 1 is refused, batch 2 ships");
        }
    }

    private static long nextAfterAcknowledging(Spool spool) throws IOException {
        spool.acknowledge(spool.next().orElseThrow().sequence());
        return Samples.marker(Samples.parseGzipJson(spool.next().orElseThrow().payload()));
    }

    // ---- raw looks at the files ----

    /** Whether any file under {@code root} holds {@code text} in the clear, or in any gzip stream found in it. */
    static boolean stateHolds(Path root, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            if (indexOf(bytes, needle) >= 0) {
                return true;
            }
            for (int i = 0; i + 1 < bytes.length; i++) {
                if ((bytes[i] & 0xff) == 0x1f && (bytes[i + 1] & 0xff) == 0x8b && indexOf(gunzip(bytes, i), needle) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] gunzip(byte[] bytes, int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes, from, bytes.length - from))) {
            in.transferTo(out);
        } catch (IOException e) {
            // not a gzip stream after all, or a truncated one: keep what came out
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static List<Path> segments(Path spool) throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
        }
    }

    /** The length of the record at {@code offset} (12-byte header: magic, body length, CRC32C). */
    private static long recordLength(Path segment, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(12);
            channel.read(header, offset);
            return 12 + header.getInt(4);
        }
    }

    /** Flips the last byte of the record at {@code offset} (its GCM tag) and recomputes the checksum, as an attacker would. */
    private static long flipInsidePayloadKeepingTheChecksum(Path segment, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(12);
            channel.read(header, offset);
            int bodyLength = header.getInt(4);
            ByteBuffer body = ByteBuffer.allocate(bodyLength);
            channel.read(body, offset + 12);
            body.array()[bodyLength - 1] ^= 0x01;
            CRC32C crc = new CRC32C();
            crc.update(body.array(), 0, bodyLength);
            channel.write(ByteBuffer.wrap(body.array()), offset + 12);
            channel.write(ByteBuffer.allocate(4).putInt(0, (int) crc.getValue()), offset + 8);
            return offset + 12 + bodyLength - 1;
        }
    }

    /** The stored payload of the segment's last record (header 12 bytes, body: version, codec, 2 longs, 2 short strings). */
    private static byte[] payloadOfLastRecord(Path segment) throws IOException {
        byte[] all = Files.readAllBytes(segment);
        ByteBuffer buffer = ByteBuffer.wrap(all);
        int start = 0;
        while (true) {
            int length = buffer.getInt(start + 4);
            if (start + 12 + length >= all.length) {
                break;
            }
            start += 12 + length;
        }
        ByteBuffer body = ByteBuffer.wrap(all, start + 12, all.length - start - 12);
        body.position(body.position() + 1 + 1 + 8 + 8);
        for (int strings = 0; strings < 2; strings++) {
            int length = Short.toUnsignedInt(body.getShort());
            body.position(body.position() + length);
        }
        byte[] payload = new byte[body.remaining()];
        body.get(payload);
        return payload;
    }
}

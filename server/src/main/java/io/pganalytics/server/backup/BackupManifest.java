package io.pganalytics.server.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.json.JsonMapping;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * What a backup of the embedded engine holds (docs/backup/format.md): {@code backups/<id>/manifest.json} in the clear,
 * signed by {@code backups/<id>/manifest.sig}, a sealed object holding the manifest's SHA-256. Only a holder of the
 * key-encryption key can seal, so a manifest that verifies was written by this installation and names the checksum
 * of every object of the backup.
 *
 * @param format         {@link #FORMAT}
 * @param id             the backup's id ({@code 20261207T010000Z})
 * @param kind           {@code full}
 * @param startedAt      when {@code pg_backup_start} returned
 * @param consistentAt   when {@code pg_backup_stop} returned: the earliest time it restores to
 * @param timeline       the timeline it was taken on
 * @param lsnStart       the start LSN ({@code 0/2000028})
 * @param lsnStop        the stop LSN
 * @param walStart       the first WAL segment it needs
 * @param walStop        the last WAL segment it needs to be consistent
 * @param systemId       the cluster's system identifier (a repository holds one cluster)
 * @param pgVersion      the server's {@code server_version_num}
 * @param backupLabel    what {@code pg_backup_stop} returned as the backup label
 * @param tablespaceMap  what it returned as the tablespace map (empty: none)
 * @param sizeBytes      database bytes copied
 * @param objects        every object of the backup with its checksum (the manifest itself aside)
 * @param keyVersion     the key-encryption key version its objects are sealed under
 */
public record BackupManifest(int format, String id, String kind, Instant startedAt, Instant consistentAt, int timeline,
                             String lsnStart, String lsnStop, String walStart, String walStop, String systemId, int pgVersion,
                             String backupLabel, String tablespaceMap, long sizeBytes, List<StoredFile> objects, String keyVersion) {
    public static final int FORMAT = 1;
    public static final String BACKUPS = "backups/";
    public static final String WAL = "wal/";
    public static final String SUFFIX = ".pgab";
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.sig";
    public static final String BASE = "base.tar.pgab";
    private static final ObjectMapper JSON = JsonMapping.newMapper();

    public BackupManifest {
        objects = List.copyOf(objects);
    }

    /**
     * One object of the backup.
     *
     * @param name        its name in the repository
     * @param plainBytes  its content's size before compression and encryption
     * @param storedBytes its size in the repository
     * @param sha256      SHA-256 of the stored bytes, hex
     */
    public record StoredFile(String name, long plainBytes, long storedBytes, String sha256) {
    }

    /** {@code backups/<id>/}. */
    public static String directory(String id) {
        return BACKUPS + id + "/";
    }

    /** {@code wal/<segment or history file>.pgab}. */
    public static String walObject(String walName) {
        return WAL + walName + SUFFIX;
    }

    public byte[] toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the manifest, then its signature: a backup whose signature is missing is incomplete. */
    public void write(BackupStore store, SealedStreams sealing) throws IOException {
        byte[] json = toJson();
        String dir = directory(id);
        store.write(dir + MANIFEST, out -> out.write(json));
        String signature = dir + SIGNATURE;
        store.write(signature, out -> {
            try (SealedStreams.Sealing sealed = sealing.seal(out, signature)) {
                sealed.write(SealedStreams.sha256Digest().digest(json));
            }
        });
    }

    /**
     * Reads and checks a backup's manifest.
     *
     * @throws BackupException naming the object when the manifest is missing, unsigned, altered or unreadable
     */
    public static BackupManifest read(BackupStore store, SealedStreams sealing, String id) {
        String dir = directory(id);
        byte[] json;
        byte[] signed;
        try {
            try (InputStream in = store.read(dir + MANIFEST)) {
                json = in.readNBytes(16 << 20);
            }
            try (InputStream in = sealing.open(store.read(dir + SIGNATURE), dir + SIGNATURE)) {
                signed = in.readNBytes(64);
            }
        } catch (NoSuchFileException e) {
            throw new BackupException("backup " + id + " is incomplete: " + e.getFile() + " is missing in " + store.location(), e);
        } catch (IOException e) {
            throw new BackupException("backup " + id + ": cannot read its manifest from " + store.location() + ": " + e.getMessage(), e);
        }
        if (!MessageDigest.isEqual(signed, SealedStreams.sha256Digest().digest(json))) {
            throw new BackupException("backup " + id + ": " + dir + MANIFEST + " does not match its signature (altered)");
        }
        try {
            BackupManifest manifest = JSON.readValue(json, BackupManifest.class);
            if (manifest.format() != FORMAT || !id.equals(manifest.id())) {
                throw new BackupException("backup " + id + ": its manifest is of format " + manifest.format() + " for " + manifest.id());
            }
            return manifest;
        } catch (IOException e) {
            throw new BackupException("backup " + id + ": its manifest does not read: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of {@code bytes}, hex. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(SealedStreams.sha256Digest().digest(bytes));
    }
}

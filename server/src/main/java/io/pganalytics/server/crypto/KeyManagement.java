package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.KeyEncryptionKeys;
import io.pganalytics.common.keys.DataKeyView;
import io.pganalytics.common.keys.KekVersionView;
import io.pganalytics.common.keys.KeyProviderView;
import io.pganalytics.common.keys.KeyStatus;
import io.pganalytics.common.keys.ProtectedItemView;
import io.pganalytics.common.keys.RewrapView;
import io.pganalytics.common.keys.RotateResult;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The key management rules behind {@code /admin/keys}: the status (what each key protects, counted with
 * {@code crypto_key_id} over every registered column and {@code crypto_sealed_file}), rotation, the re-wrap job, and
 * retiring a data key or a key-encryption key version only once nothing uses it. Each change is recorded in the audit
 * trail in its own transaction ({@link KeyAudit}): key ids and versions before and after, never key material.
 */
final class KeyManagement {
    private static final Logger LOG = LoggerFactory.getLogger(KeyManagement.class);
    /** Serialises the destruction of key-encryption key versions: "pga_kekd". */
    private static final long KEK_DESTROY_LOCK = 0x7067615f6b656b64L;

    private final KeyService keys;
    private final KeyRotation rotation;
    private final RewrapJob rewrap;
    private final SealedValueRepository values;
    private final Supplier<List<SealedColumn>> columns;
    private final Clock clock;
    private final DataSource dataSource;

    KeyManagement(KeyService keys, KeyRotation rotation, RewrapJob rewrap, SealedValueRepository values,
                  Supplier<List<SealedColumn>> columns, Clock clock, DataSource dataSource) {
        this.keys = keys;
        this.rotation = rotation;
        this.rewrap = rewrap;
        this.values = values;
        this.columns = columns;
        this.clock = clock;
        this.dataSource = dataSource;
    }

    /** What uses data keys: per column and per node file, values per data key id. */
    private record Usage(Map<SealedColumn, Map<Integer, Long>> columns, List<SealedValueRepository.SealedFile> files) {
        long records(int keyId) {
            long count = files.stream().filter(file -> file.keyId() == keyId).count();
            for (Map<Integer, Long> byKey : columns.values()) {
                count += byKey.getOrDefault(keyId, 0L);
            }
            return count;
        }

        /** "auth_signing_key.private_key: 3, file tls-key on node-a" for what uses {@code keyId}. */
        String describe(int keyId) {
            List<String> uses = new ArrayList<>();
            columns.forEach((column, byKey) -> {
                long n = byKey.getOrDefault(keyId, 0L);
                if (n > 0) {
                    uses.add(SealedValueRepository.where(column) + ": " + n);
                }
            });
            files.stream().filter(file -> file.keyId() == keyId)
                    .forEach(file -> uses.add("file " + file.purpose() + " on node " + file.node()));
            return String.join(", ", uses);
        }
    }

    private Usage usage() {
        Map<SealedColumn, Map<Integer, Long>> byColumn = new LinkedHashMap<>();
        for (SealedColumn column : columns.get()) {
            byColumn.put(column, values.countByKey(column));
        }
        return new Usage(byColumn, values.files());
    }

    KeyStatus status() {
        KeyEncryptionKeys kek = keys.kek();
        int current = keys.currentKeyId();
        int currentKek = keys.currentKekVersion();
        Usage usage = usage();
        List<DataKeyRepository.Row> rows = keys.repository().all();
        List<KekVersionView> versions = new ArrayList<>();
        for (int version : kek.versions()) {
            int wrapping = (int) rows.stream().filter(row -> !row.retired() && row.kekVersion() == version).count();
            versions.add(new KekVersionView(version, version == currentKek, wrapping));
        }
        List<DataKeyView> dataKeys = rows.stream().sorted(Comparator.comparingInt(DataKeyRepository.Row::id).reversed())
                .map(row -> new DataKeyView(row.id(), row.state(), row.kekVersion(), row.createdAt(), row.createdBy(), row.retiredAt(),
                        usage.records(row.id())))
                .toList();
        List<ProtectedItemView> items = new ArrayList<>();
        usage.columns().forEach((column, byKey) -> {
            long total = byKey.values().stream().mapToLong(Long::longValue).sum();
            items.add(new ProtectedItemView(column.protects(), SealedValueRepository.where(column), total, total - byKey.getOrDefault(current, 0L)));
        });
        Map<String, long[]> files = new LinkedHashMap<>();
        for (SealedValueRepository.SealedFile file : usage.files()) {
            long[] counts = files.computeIfAbsent(file.purpose(), purpose -> new long[2]);
            counts[0]++;
            counts[1] += file.keyId() == current ? 0 : 1;
        }
        files.forEach((purpose, counts) -> items.add(new ProtectedItemView("node files: " + purpose, "file " + purpose, counts[0], counts[1])));
        return new KeyStatus(new KeyProviderView(kek.kind(), kek.location(), kek.canManage()), current, currentKek, versions, dataKeys,
                items, rewrap.view());
    }

    RotateResult rotate(Boolean newKekVersion, KeyAudit audit) {
        int previousKey = keys.currentKeyId();
        int previousKek = keys.currentKekVersion();
        int latestKek = keys.latestKekVersion();
        KeyRotation.Rotation made = rotation.rotate(newKekVersion, audit.by(), (c, row) -> audit.append(c,
                AuditEvent.change("keys.rotate", "data-key", Integer.toString(row.id()))
                        .change(Map.of("currentDataKey", previousKey, "kekVersion", previousKek),
                                Map.of("currentDataKey", row.id(), "kekVersion", row.kekVersion()))
                        .detail("kekVersionCreated", row.kekVersion() > latestKek)));
        RewrapView run = rewrap(audit);
        return new RotateResult(made.dataKey(), made.kekVersion(), made.kekVersionCreated(), run);
    }

    RewrapView rewrap(KeyAudit audit) {
        return rewrap.request(audit.by(), (c, started) -> audit.append(c,
                AuditEvent.change("keys.rewrap", "rewrap-run", Long.toString(started.after().id()))
                        .change(run(started.before()), run(started.after()))));
    }

    /** A re-wrap run as an audit record holds it (null when there is none). */
    private static Map<String, Object> run(RewrapRunRepository.Run run) {
        if (run == null) {
            return null;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("run", run.id());
        values.put("state", run.state());
        values.put("targetDataKey", run.targetKey());
        values.put("done", run.done());
        values.put("total", run.total());
        return values;
    }

    /**
     * Erases a data key once nothing uses it.
     *
     * @throws ApiException not found for an unknown key; conflict (naming what uses it) while it is current, used, or
     *                      already retired
     */
    void retireDataKey(int id, KeyAudit audit) {
        String by = audit.by();
        DataKeyRepository.Row row = keys.repository().find(id)
                .orElseThrow(() -> ApiException.notFound("data key " + id + " does not exist"));
        if (row.retired()) {
            throw ApiException.conflict("data key " + id + " was retired at " + row.retiredAt());
        }
        if (row.current() || id == keys.currentKeyId()) {
            throw ApiException.conflict("data key " + id + " is current (it seals new values): rotate first, let the re-wrap finish, then retire it");
        }
        Usage usage = usage();
        if (usage.records(id) > 0) {
            throw ApiException.conflict("data key " + id + " still seals " + usage.records(id) + " values (" + usage.describe(id)
                    + "): run the re-wrap (POST /api/v1/admin/keys/rewrap) and retire it when it is done");
        }
        int kekVersion = row.kekVersion();
        if (!keys.repository().retire(id, clock.instant(), (c, retired) -> audit.append(c,
                AuditEvent.change("keys.retire-data-key", "data-key", Integer.toString(id))
                        .change(Map.of("state", "active", "kekVersion", kekVersion),
                                Map.of("state", "retired", "kekVersion", kekVersion, "wrappedKey", "erased"))))) {
            throw ApiException.conflict("data key " + id + " changed meanwhile (it is no longer active): read the status again");
        }
        rotation.retired(id);
        LOG.info("encryption: data key {} retired by {} (its wrapped bytes are erased)", id, by);
    }

    /**
     * Destroys a key-encryption key version in the provider once no data key it wraps is left.
     *
     * @throws ApiException not found for an unknown version; conflict while it is the newest, wraps a data key that
     *                      is not retired, or the provider cannot destroy versions
     */
    void retireKekVersion(int version, KeyAudit audit) {
        String by = audit.by();
        KeyEncryptionKeys kek = keys.kek();
        if (!kek.versions().contains(version)) {
            throw ApiException.notFound("key-encryption key version " + version + " does not exist in " + kek.kind() + " " + kek.location());
        }
        if (version == kek.versions().last()) {
            throw ApiException.conflict("key-encryption key version " + version + " is the newest: new data keys are wrapped by it");
        }
        refuseWhileBackupsNeed(kek.kind(), version);
        List<Integer> wrapped = keys.repository().all().stream().filter(row -> !row.retired() && row.kekVersion() == version)
                .map(DataKeyRepository.Row::id).toList();
        if (!wrapped.isEmpty()) {
            throw ApiException.conflict("key-encryption key version " + version + " still wraps data keys " + wrapped
                    + ": retire those first (after the re-wrap moved their values)");
        }
        if (!kek.canManage()) {
            throw ApiException.conflict("the key-encryption key provider " + kek.kind() + " at " + kek.location()
                    + " cannot destroy versions here (a read-only key store): remove version " + version + " where it is provisioned");
        }
        // destroyed first, recorded last: the record commits only for a version that is gone (and holds the chain's lock
        // only for the commit, not for the provider's call)
        Jdbc.underLock(dataSource, KEK_DESTROY_LOCK, "key-encryption keys: cannot record the retirement of version " + version, c -> {
            kek.destroyVersion(version);
            audit.append(c, AuditEvent.change("keys.retire-kek-version", "kek-version", Integer.toString(version))
                    .change(Map.of("state", "present", "provider", kek.kind()), Map.of("state", "destroyed", "provider", kek.kind())));
            return null;
        });
        LOG.info("encryption: key-encryption key version {} destroyed in {} {} by {}", version, kek.kind(), kek.location(), by);
    }

    /**
     * Refuses while a retained backup or archived WAL segment is sealed under {@code version}: they open with the
     * key-encryption key alone (docs/backup/format.md), so destroying it would make them unrestorable. The catalogue names
     * the key as {@code kek <kind> v<version>} (the backup package's SealedStreams.keyVersion).
     */
    private void refuseWhileBackupsNeed(String kind, int version) {
        String keyVersion = "kek " + kind + " v" + version;
        List<String> backups = new ArrayList<>();
        long wal;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT id FROM backup WHERE key_version = ? AND state IN ('running', 'complete') ORDER BY id LIMIT 10")) {
                st.setString(1, keyVersion);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        backups.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM backup_wal WHERE key_version = ?")) {
                st.setString(1, keyVersion);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    wal = rs.getLong(1);
                }
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("key-encryption keys: cannot read the backup catalogue: " + e.getMessage(), e);
        }
        if (!backups.isEmpty() || wal > 0) {
            throw ApiException.conflict("key-encryption key version " + version + " still seals "
                    + (backups.isEmpty() ? "" : "backups " + backups + (backups.size() == 10 ? " (and maybe more)" : "") + (wal > 0 ? " and " : ""))
                    + (wal > 0 ? wal + " archived WAL segments" : "")
                    + ": they open with it alone; let the backup retention expire them first (after newer backups are taken)");
        }
    }
}

package io.pganalytics.collector.register;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pganalytics.collector.config.ConfigLoader;
import io.pganalytics.collector.crypto.CollectorKeys;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.SealContext;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.CollectorIdentity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's identity on disk: JSON, readable and writable by its owner only, replaced atomically. With the
 * collector's keys the credential is sealed ({@value #SEALED_FIELD}, bound to the collector id) and only the collector
 * id and server URL stay readable; an identity written in the clear by an earlier version is still read, and
 * {@link #readAndSeal} rewrites it sealed.
 */
public final class IdentityFile {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityFile.class);
    static final String SEALED_FIELD = "sealedCredential";
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private IdentityFile() {
    }

    public static Path defaultPath(Map<String, String> env) {
        return ConfigLoader.defaultHome(env).resolve("identity.json");
    }

    /** Reads an identity written without encryption (simulated collectors, the demo); a sealed one is refused. */
    public static CollectorIdentity read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * Reads the identity, opening its sealed credential with {@code keys} (null: only a clear identity is accepted).
     *
     * @throws IOException naming the file when it is missing, not an identity, or its credential does not open
     */
    public static CollectorIdentity read(Path file, CollectorKeys keys) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("identity file " + file + " does not exist or cannot be read: run 'register' first");
        }
        JsonNode tree;
        try {
            tree = JsonMapping.newMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("identity file " + file + " is not a collector identity: " + e.getMessage(), e);
        }
        CollectorIdentity identity;
        if (tree instanceof ObjectNode object && object.hasNonNull(SEALED_FIELD)) {
            try {
                identity = unseal(file, object, keys);
            } catch (CryptoException e) {
                throw new IOException("identity file " + file + ": the credential cannot be opened: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IOException("identity file " + file + ": the sealed credential is not base64: " + e.getMessage(), e);
            }
        } else {
            try {
                identity = JsonMapping.newMapper().treeToValue(tree, CollectorIdentity.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("identity file " + file + " is not a collector identity: " + e.getMessage(), e);
            }
        }
        if (identity.collectorId() == null || identity.credential() == null || identity.credential().isBlank()) {
            throw new IOException("identity file " + file + " lacks a collectorId or credential: run 'register' again");
        }
        return identity;
    }

    /**
     * Reads the identity; one written in the clear (by an earlier version, or with encryption off) is rewritten with its
     * credential sealed when {@code keys} is not null.
     */
    public static CollectorIdentity readAndSeal(Path file, CollectorKeys keys) throws IOException {
        CollectorIdentity identity = read(file, keys);
        if (keys != null && !isSealed(file)) {
            write(file, identity, keys);
            LOG.info("identity file {}: the credential was stored in the clear (an earlier version); rewritten sealed", file);
        }
        return identity;
    }

    /** Whether the file holds a sealed credential (a sealed field and no clear one). */
    public static boolean isSealed(Path file) throws IOException {
        JsonNode tree = JsonMapping.newMapper().readTree(file.toFile());
        return tree instanceof ObjectNode object && object.hasNonNull(SEALED_FIELD) && !object.has("credential");
    }

    private static CollectorIdentity unseal(Path file, ObjectNode object, CollectorKeys keys) throws IOException {
        String collectorId = object.path("collectorId").asText(null);
        if (keys == null) {
            throw new IOException("identity file " + file + " holds a sealed credential, and encryption keys are not available here"
                    + " (the run command with encryption configured reads it)");
        }
        if (collectorId == null) {
            throw new IOException("identity file " + file + " lacks a collectorId: run 'register' again");
        }
        byte[] sealed = Base64.getDecoder().decode(object.get(SEALED_FIELD).asText());
        String credential = new String(keys.open(context(collectorId), sealed), StandardCharsets.UTF_8);
        return new CollectorIdentity(collectorId, credential, object.path("serverUrl").asText(null));
    }

    private static SealContext context(String collectorId) {
        return SealContext.file("identity", "credential of collector " + collectorId);
    }

    /** Writes the identity in the clear (simulated collectors, the demo). */
    public static void write(Path file, CollectorIdentity identity) throws IOException {
        write(file, identity, null);
    }

    /**
     * Writes the identity to a temporary owner-only file beside {@code file}, forces it, then renames it into place;
     * with {@code keys} the credential is sealed.
     */
    public static void write(Path file, CollectorIdentity identity, CollectorKeys keys) throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(directory)) {
            if (posix) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
            } else {
                Files.createDirectories(directory);
            }
        }
        ObjectMapper mapper = JsonMapping.newMapper();
        byte[] json;
        if (keys == null) {
            json = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(identity);
        } else {
            ObjectNode sealed = mapper.createObjectNode();
            sealed.put("collectorId", identity.collectorId());
            sealed.put("serverUrl", identity.serverUrl());
            sealed.put(SEALED_FIELD, Base64.getEncoder().encodeToString(
                    keys.seal(context(identity.collectorId()), identity.credential().getBytes(StandardCharsets.UTF_8))));
            json = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(sealed);
        }
        Path temp = directory.resolve(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        if (posix) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } else {
            Files.createFile(temp);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(json);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (posix) {
            Files.setPosixFilePermissions(target, OWNER_FILE);
        }
    }
}

package io.pganalytics.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * {@code <data-dir>/runtime.json}: how tools on this host reach the running node (the demo, scripts). Written
 * owner-only once the listeners are up, deleted when the node has stopped; its presence therefore means "a node
 * was started on this data directory and has not stopped cleanly". It holds addresses and a public fingerprint,
 * never a secret. See docs/SERVER.md.
 */
final class RuntimeFile {
    static final String NAME = "runtime.json";
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeFile.class);

    /**
     * The file's content.
     *
     * @param apiUrl                the API's base URL as reached from this host
     * @param adminUrl              the admin listener (health, readiness, metrics) as reached from this host
     * @param pid                   the server's process id
     * @param nodeName              the node's name in the cluster
     * @param startedAt             when the listeners came up
     * @param certificateSha256     the API certificate's SHA-256 fingerprint (colon hex); null when TLS is off
     * @param embeddedPostgresPort  the embedded PostgreSQL's port on 127.0.0.1; null with an external database
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Content(String apiUrl, String adminUrl, long pid, String nodeName, Instant startedAt,
                   String certificateSha256, Integer embeddedPostgresPort) {
    }

    private RuntimeFile() {
    }

    /** Writes the file atomically (a temporary owner-only file renamed into place), replacing a stale one. */
    static Path write(Path dataDir, Content content, ObjectMapper mapper) {
        Path file = dataDir.resolve(NAME);
        Path temp = dataDir.resolve(NAME + ".tmp");
        try {
            Files.deleteIfExists(temp);
            if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(temp);
            }
            Files.write(temp, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the file; a failure is logged, not thrown (the node is stopping anyway). */
    static void delete(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }

    /** A listener's address as reached from this host: a wildcard bind is reached on the loopback address. */
    static String localHost(String bindHost) {
        return switch (bindHost) {
            case "0.0.0.0", "::", "[::]", "" -> "127.0.0.1";
            default -> bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
        };
    }
}

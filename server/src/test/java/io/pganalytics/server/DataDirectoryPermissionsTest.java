package io.pganalytics.server;

import io.helidon.config.Config;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Everything the server creates in its data directory is its owner's alone: no other local account reads or changes it. */
@Tag("fault-and-attack")
class DataDirectoryPermissionsTest {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @Test
    void afterAStartNoFileOrDirectoryInTheDataDirectoryIsOpenToGroupOrOthers(@TempDir Path parent) throws Exception {
        Path dataDir = parent.resolve("server");
        try (PgAnalyticsServer server = start(dataDir)) {
            List<String> open = openToOthers(dataDir);
            assertEquals(List.of(), open, "entries open to group or others");
            assertTrue(Files.isDirectory(dataDir.resolve("pg-binaries")) && Files.isDirectory(dataDir.resolve("tls")),
                    "the walk covered the binaries and the TLS material");
        }
        assertEquals(List.of(), openToOthers(dataDir), "after a stop too");
    }

    private static List<String> openToOthers(Path root) throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                if (Files.isSymbolicLink(path)) {
                    continue;  // a link's own mode means nothing; its target is walked
                }
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
                if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                    open.add(root.relativize(path) + " " + PosixFilePermissions.toString(permissions));
                }
            }
        }
        return open;
    }

    private static PgAnalyticsServer start(Path dataDir) {
        Config config = ConfigLoader.load(null, Map.of(), Map.of(
                "server.data-dir", dataDir.toString(),
                "http.host", "127.0.0.1",
                "http.port", "0",
                "http.admin-port", "0",
                "cluster.name", TestServers.newClusterName(),
                "cluster.port", Integer.toString(TestServers.freePort())));
        return PgAnalyticsServer.start(config, Map.of(), Clock.systemUTC());
    }
}

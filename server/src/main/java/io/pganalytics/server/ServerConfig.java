package io.pganalytics.server;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The {@code server} node.
 *
 * @param dataDir  where the embedded database, the TLS material and first-run secrets live
 * @param nodeName this node's name in the cluster and in logs (unique per node)
 */
record ServerConfig(Path dataDir, String nodeName) {
    static ServerConfig from(Config node) {
        Path dataDir = Settings.path(node, "data-dir").orElse(Settings.expandHome("~/.pganalytics/server"));
        String nodeName = Settings.optionalString(node, "node-name").orElseGet(ServerConfig::defaultNodeName);
        if (!nodeName.matches("[A-Za-z0-9._-]{1,64}")) {
            throw Settings.problem(node, "node-name", "'" + nodeName + "' must be 1 to 64 letters, digits, dots, dashes or underscores");
        }
        return new ServerConfig(dataDir.toAbsolutePath().normalize(), nodeName);
    }

    private static String defaultNodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (java.io.IOException e) {
            host = "node";
        }
        if (host.length() > 48) {
            host = host.substring(0, 48);
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

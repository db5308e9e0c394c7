package io.pganalytics.server.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's command line: {@code [--config FILE] [--data-dir DIR] [--port N] [--admin-port N] [--exit-with-parent] [--help]}.
 * Flags become configuration overrides, so that they win over every file and variable.
 */
public record ServerArguments(Path configFile, Map<String, String> overrides, boolean help, boolean exitWithParent) {
    public static final String USAGE = """
            Usage: pganalytics-server [--config FILE] [--data-dir DIR] [--port N] [--admin-port N] [--exit-with-parent]
              --config FILE     a YAML file overriding the built-in application.yaml
              --data-dir DIR    where the embedded database, certificate and keys live (default ~/.pganalytics/server)
              --port N          the HTTPS API port (0 picks a free port; default 8443)
              --admin-port N    the health and metrics port (0 picks a free port; default 9090)
              --exit-with-parent  stop (gracefully) when the process that started this one ends, however it ends:
                                for tools that run the server as their child (the demo, the benchmarks)
            Usage: pganalytics-server keys status|rotate [--data-key-only]|rewrap|retire-data-key ID|retire-kek-version N
                              [--server URL] [--user NAME] [--ca-file PEM] [--data-dir DIR]   (keys --help for more)
            Usage: pganalytics-server restore --to latest|TIME --target DIR [--config FILE] [--data-dir DIR] [--repository DIR]
                              [--dry-run]   restore a backup into a new directory, with the server stopped if need be
                              (docs/backup/restore.md)
            Usage: pganalytics-server audit verify|verify-export ...   (audit --help for more)
            Every key can also be set with an environment variable: PGANALYTICS_DATABASE_URL=... sets database.url.
            """;

    public static ServerArguments parse(List<String> args) {
        Path configFile = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean help = false;
        boolean exitWithParent = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> help = true;
                case "--exit-with-parent" -> exitWithParent = true;
                case "--config" -> configFile = Path.of(value(args, ++i, arg));
                case "--data-dir" -> overrides.put("server.data-dir", value(args, ++i, arg));
                case "--port" -> overrides.put("http.port", value(args, ++i, arg));
                case "--admin-port" -> overrides.put("http.admin-port", value(args, ++i, arg));
                default -> throw new ConfigException(arg, "unknown argument\n" + USAGE);
            }
        }
        return new ServerArguments(configFile, Map.copyOf(overrides), help, exitWithParent);
    }

    private static String value(List<String> args, int index, String flag) {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new ConfigException(flag, "needs a value\n" + USAGE);
        }
        return args.get(index);
    }
}

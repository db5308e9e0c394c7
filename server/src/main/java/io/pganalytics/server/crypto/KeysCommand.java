package io.pganalytics.server.crypto;

import io.pganalytics.server.cli.AdminSession;
import io.pganalytics.server.cli.Prompter;
import io.pganalytics.server.cli.ServerConnection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.keys.DataKeyView;
import io.pganalytics.common.keys.KekVersionView;
import io.pganalytics.common.keys.KeyStatus;
import io.pganalytics.common.keys.ProtectedItemView;
import io.pganalytics.common.keys.RewrapView;
import io.pganalytics.common.keys.RotateResult;
import io.pganalytics.common.json.JsonMapping;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pganalytics-server keys status|rotate|rewrap|retire-data-key ID|retire-kek-version N}: the key management
 * API ({@code /api/v1/admin/keys}) from a shell. Signs in as an admin (password from {@code PGANALYTICS_PASSWORD} or a
 * prompt), asks for a second-factor code when the server wants one (at sign-in, or a step-up before a rotation or a
 * retirement), and prints readable tables. Exit codes: {@value #OK} done, {@value #FAILED} the server or the network
 * failed, {@value #USAGE} a wrong command line, {@value #REFUSED} the server refused (a key still in use),
 * {@value #DENIED} the sign-in or the role was refused.
 */
public final class KeysCommand {
    public static final int OK = AdminSession.OK;
    public static final int FAILED = AdminSession.FAILED;
    public static final int USAGE = AdminSession.USAGE;
    public static final int REFUSED = AdminSession.REFUSED;
    public static final int DENIED = AdminSession.DENIED;
    public static final String PASSWORD_ENV = AdminSession.PASSWORD_ENV;
    public static final String HELP = """
            Usage: pganalytics-server keys COMMAND [--server URL] [--user NAME] [--ca-file PEM] [--data-dir DIR]
              status                   the key-encryption key's versions, the data keys, what each protects, the re-wrap
              rotate [--data-key-only] a new data key (and key-encryption key version) current on every node; starts a re-wrap
              rewrap                   re-seal every value still under an older data key
              retire-data-key ID       erase a data key nothing uses any more
              retire-kek-version N     destroy a key-encryption key version that wraps no data key
              --server URL   the API (https://host:8443/api/v1); default: <data-dir>/runtime.json of a node on this host
              --user NAME    an admin (default admin); the password from PGANALYTICS_PASSWORD or a prompt
              --ca-file PEM  trust these certificates; default: the fingerprint in runtime.json, else the JDK's trust store
              --data-dir DIR the node's data directory (default ~/.pganalytics/server)
            Exit codes: 0 done, 1 failed, 2 wrong usage, 3 refused by the server (409: a key still in use), 4 sign-in or role refused.
            """;

    record Arguments(String command, String id, boolean dataKeyOnly, Optional<URI> server, String user, Optional<Path> caFile, Path dataDir) {
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Prompter prompter;
    private final Map<String, String> environment;
    private final ObjectMapper mapper = JsonMapping.newMapper();

    public KeysCommand(PrintStream out, PrintStream err, Prompter prompter, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.prompter = prompter;
        this.environment = environment;
    }

    /** Runs the command; returns the exit code. */
    public int run(List<String> args) {
        Arguments arguments;
        try {
            arguments = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(HELP);
            return USAGE;
        }
        if (arguments.command().equals("help")) {
            out.print(HELP);
            return OK;
        }
        try {
            ServerConnection connection = ServerConnection.open(arguments.server(), arguments.caFile(), arguments.dataDir(), mapper);
            AdminSession client = new AdminSession(connection, mapper, prompter, err);
            client.signIn(arguments.user(), AdminSession.password(arguments.user(), environment, prompter));
            return switch (arguments.command()) {
                case "status" -> print(client.call("GET", "/admin/keys", null, KeyStatus.class));
                case "rotate" -> printRotation(client.call("POST", "/admin/keys/rotate",
                        arguments.dataKeyOnly() ? "{\"newKekVersion\":false}" : "{}", RotateResult.class));
                case "rewrap" -> printRewrap(client.call("POST", "/admin/keys/rewrap", "", RewrapView.class));
                case "retire-data-key" -> done(client.call("POST", "/admin/keys/data-keys/" + arguments.id() + "/retire", "", Void.class),
                        "data key " + arguments.id() + " retired: its wrapped bytes are erased");
                case "retire-kek-version" -> done(client.call("POST", "/admin/keys/kek-versions/" + arguments.id() + "/retire", "", Void.class),
                        "key-encryption key version " + arguments.id() + " destroyed");
                default -> throw new IllegalStateException(arguments.command());
            };
        } catch (AdminSession.Refusal e) {
            err.println(e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            err.println("keys: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    static Arguments parse(List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("keys: which command?");
        }
        String command = args.get(0);
        String id = null;
        boolean dataKeyOnly = false;
        URI server = null;
        String user = "admin";
        Path caFile = null;
        Path dataDir = Path.of(System.getProperty("user.home"), ".pganalytics", "server");
        int i = 1;
        switch (command) {
            case "status", "rotate", "rewrap", "help", "--help", "-h" -> {
            }
            case "retire-data-key", "retire-kek-version" -> {
                if (args.size() < 2 || !args.get(1).matches("[1-9][0-9]{0,8}")) {
                    throw new IllegalArgumentException("keys " + command + ": needs a positive whole number");
                }
                id = args.get(1);
                i = 2;
            }
            default -> throw new IllegalArgumentException("keys: unknown command '" + command + "'");
        }
        for (; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--data-key-only" -> {
                    if (!command.equals("rotate")) {
                        throw new IllegalArgumentException("keys: --data-key-only goes with rotate only");
                    }
                    dataKeyOnly = true;
                }
                case "--server" -> server = URI.create(stripSlash(value(args, ++i, arg)));
                case "--user" -> user = value(args, ++i, arg);
                case "--ca-file" -> caFile = Path.of(value(args, ++i, arg));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("keys: unknown argument '" + arg + "'");
            }
        }
        if (server != null && !List.of("https", "http").contains(String.valueOf(server.getScheme()))) {
            throw new IllegalArgumentException("keys: --server must be an http(s) URL such as https://host:8443/api/v1");
        }
        return new Arguments(command.startsWith("-") ? "help" : command, id, dataKeyOnly, Optional.ofNullable(server), user,
                Optional.ofNullable(caFile), dataDir);
    }

    private static String value(List<String> args, int index, String flag) {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new IllegalArgumentException("keys: " + flag + " needs a value");
        }
        return args.get(index);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private int print(KeyStatus status) {
        out.printf("Provider: %s %s (%s)%n", status.provider().kind(), status.provider().location(),
                status.provider().canManage() ? "versions managed here" : "read-only: versions provisioned outside");
        out.printf("Current: data key %d, wrapped by key-encryption key version %d%n%n", status.currentDataKey(), status.currentKekVersion());
        out.println("KEK VERSION  CURRENT  DATA KEYS");
        for (KekVersionView version : status.kekVersions()) {
            out.printf("%-11d  %-7s  %d%n", version.version(), version.current() ? "yes" : "", version.dataKeys());
        }
        out.println();
        out.println("DATA KEY  STATE    KEK  RECORDS  CREATED               BY");
        for (DataKeyView key : status.dataKeys()) {
            out.printf("%-8d  %-7s  %-3d  %-7d  %-20s  %s%n", key.id(), key.state(), key.kekVersion(), key.records(),
                    key.createdAt().toString().substring(0, 19) + "Z", key.createdBy());
        }
        out.println();
        out.println("WHERE                                  RECORDS  ON OLDER KEYS  PROTECTS");
        for (ProtectedItemView item : status.protectedItems()) {
            out.printf("%-37s  %-7d  %-13d  %s%n", item.where(), item.records(), item.onOlderKeys(), item.protects());
        }
        out.println();
        printRewrap(status.rewrap());
        return OK;
    }

    private int printRotation(RotateResult result) {
        out.printf("data key %d is current on every node, wrapped by key-encryption key version %d%s%n", result.dataKey(), result.kekVersion(),
                result.kekVersionCreated() ? " (created by this rotation)" : "");
        return printRewrap(result.rewrap());
    }

    private int printRewrap(RewrapView rewrap) {
        if ("idle".equals(rewrap.state())) {
            out.println("Re-wrap: never ran");
            return OK;
        }
        out.printf("Re-wrap: %s towards data key %d: %d of %d values, %.1f values/s%s%s%n", rewrap.state(), rewrap.targetKey(), rewrap.done(),
                rewrap.total(), rewrap.rate(), rewrap.node() == null ? "" : ", on node " + rewrap.node(),
                rewrap.error() == null ? "" : " (" + rewrap.error() + ")");
        return OK;
    }

    private int done(Object ignored, String message) {
        out.println(message);
        return OK;
    }
}

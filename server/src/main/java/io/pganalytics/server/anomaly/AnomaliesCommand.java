package io.pganalytics.server.anomaly;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pganalytics.common.anomaly.AnomalyPage;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.cli.AdminSession;
import io.pganalytics.server.cli.Prompter;
import io.pganalytics.server.cli.ServerConnection;
import io.pganalytics.server.config.Settings;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pganalytics-server anomalies backfill|list}: the anomaly API from a shell. {@code backfill} asks the owner of
 * each instance to score stored history ({@code POST /api/v1/anomalies/backfill}, admin); {@code list} prints the
 * newest anomalies. Signs in like {@code keys} ({@link AdminSession}); exit codes as there.
 */
public final class AnomaliesCommand {
    public static final String HELP = """
            Usage: pganalytics-server anomalies COMMAND [--server URL] [--user NAME] [--ca-file PEM] [--data-dir DIR]
              backfill (--instance ID | --all) --from TIME [--to TIME]
                                  score the stored history between the two times (at most anomaly.backfill-max) on the
                                  node that owns each instance; anomalies and bands appear as they are found
              list [--instance ID] [--severity warning|critical] [--state open|closed] [--limit N]
                                  the newest anomalies (default 20, at most 500)
              TIME           an ISO-8601 instant (2026-12-01T00:00:00Z) or a duration ago (7d, 12h)
              --server URL   the API (https://host:8443/api/v1); default: <data-dir>/runtime.json of a node on this host
              --user NAME    the user (default admin; backfill needs an admin); the password from PGANALYTICS_PASSWORD or a prompt
              --ca-file PEM  trust these certificates; default: the fingerprint in runtime.json, else the JDK's trust store
              --data-dir DIR the node's data directory (default ~/.pganalytics/server)
            Exit codes: 0 done, 1 failed, 2 wrong usage, 3 refused by the server, 4 sign-in or role refused.
            """;

    record Arguments(String command, Long instance, boolean all, Instant from, Instant to, String severity, String state, int limit,
                     Optional<URI> server, String user, Optional<Path> caFile, Path dataDir) {
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Prompter prompter;
    private final Map<String, String> environment;
    private final Clock clock;
    private final ObjectMapper mapper = JsonMapping.newMapper();

    public AnomaliesCommand(PrintStream out, PrintStream err, Prompter prompter, Map<String, String> environment, Clock clock) {
        this.out = out;
        this.err = err;
        this.prompter = prompter;
        this.environment = environment;
        this.clock = clock;
    }

    /** Runs the command; returns the exit code. */
    public int run(List<String> args) {
        Arguments arguments;
        try {
            arguments = parse(args, clock.instant());
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(HELP);
            return AdminSession.USAGE;
        }
        if (arguments.command().equals("help")) {
            out.print(HELP);
            return AdminSession.OK;
        }
        try {
            ServerConnection connection = ServerConnection.open(arguments.server(), arguments.caFile(), arguments.dataDir(), mapper);
            AdminSession session = new AdminSession(connection, mapper, prompter, err);
            session.signIn(arguments.user(), AdminSession.password(arguments.user(), environment, prompter));
            return arguments.command().equals("backfill") ? backfill(session, arguments) : list(session, arguments);
        } catch (AdminSession.Refusal e) {
            err.println(e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            err.println("anomalies: " + e.getMessage());
            return AdminSession.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminSession.FAILED;
        }
    }

    private int backfill(AdminSession session, Arguments arguments) throws IOException, InterruptedException, AdminSession.Refusal {
        ObjectNode body = mapper.createObjectNode();
        if (arguments.all()) {
            body.put("all", true);
        } else {
            body.put("instanceId", arguments.instance());
        }
        body.put("from", arguments.from().toString());
        if (arguments.to() != null) {
            body.put("to", arguments.to().toString());
        }
        AnomalyBackfillRoutes.BackfillAccepted accepted = session.call("POST", "/anomalies/backfill", mapper.writeValueAsString(body),
                AnomalyBackfillRoutes.BackfillAccepted.class);
        out.printf("backfill of %s from %s to %s asked of the owner nodes: anomalies and bands appear as they are found%n",
                accepted.all() ? "every instance" : "instance " + accepted.instanceId(), accepted.from(), accepted.to());
        return AdminSession.OK;
    }

    private int list(AdminSession session, Arguments arguments) throws IOException, InterruptedException, AdminSession.Refusal {
        List<String> query = new ArrayList<>();
        query.add("limit=" + arguments.limit());
        if (arguments.instance() != null) {
            query.add("instance=" + arguments.instance());
        }
        if (arguments.severity() != null) {
            query.add("severity=" + URLEncoder.encode(arguments.severity(), StandardCharsets.UTF_8));
        }
        if (arguments.state() != null) {
            query.add("state=" + URLEncoder.encode(arguments.state(), StandardCharsets.UTF_8));
        }
        AnomalyPage page = session.call("GET", "/anomalies?" + String.join("&", query), null, AnomalyPage.class);
        out.println("ID      STARTED               SEVERITY  STATE   INSTANCE              SERIES                          KIND          SCORE  TOP HINT");
        for (AnomalyView a : page.anomalies()) {
            String hint = a.hints().isEmpty() ? "" : a.hints().get(0).type() + ": " + a.hints().get(0).subject();
            out.printf("%-6d  %-20s  %-8s  %-6s  %-20s  %-30s  %-12s  %5.1f  %s%n", a.id(), a.startedAt().toString().substring(0, 19) + "Z",
                    a.severity(), a.state(), cut(a.instanceName(), 20), cut(a.series(), 30), a.kind(), a.score(), cut(hint, 60));
        }
        if (page.anomalies().isEmpty()) {
            out.println("(no anomalies)");
        }
        return AdminSession.OK;
    }

    private static String cut(String text, int max) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= max ? line : line.substring(0, max - 3) + "...";
    }

    static Arguments parse(List<String> args, Instant now) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("anomalies: which command? backfill or list");
        }
        String command = args.get(0);
        if (List.of("help", "--help", "-h").contains(command)) {
            return new Arguments("help", null, false, null, null, null, null, 0, Optional.empty(), "admin", Optional.empty(), Path.of("."));
        }
        if (!command.equals("backfill") && !command.equals("list")) {
            throw new IllegalArgumentException("anomalies: unknown command '" + command + "'");
        }
        Long instance = null;
        boolean all = false;
        Instant from = null;
        Instant to = null;
        String severity = null;
        String state = null;
        int limit = 20;
        URI server = null;
        String user = "admin";
        Path caFile = null;
        Path dataDir = Path.of(System.getProperty("user.home"), ".pganalytics", "server");
        boolean backfill = command.equals("backfill");
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--instance" -> instance = positive(arg, value(args, ++i, arg));
                case "--all" -> {
                    requireFor(backfill, arg, "backfill");
                    all = true;
                }
                case "--from" -> {
                    requireFor(backfill, arg, "backfill");
                    from = time(arg, value(args, ++i, arg), now);
                }
                case "--to" -> {
                    requireFor(backfill, arg, "backfill");
                    to = time(arg, value(args, ++i, arg), now);
                }
                case "--severity" -> {
                    requireFor(!backfill, arg, "list");
                    severity = value(args, ++i, arg);
                }
                case "--state" -> {
                    requireFor(!backfill, arg, "list");
                    state = value(args, ++i, arg);
                }
                case "--limit" -> {
                    requireFor(!backfill, arg, "list");
                    long n = positive(arg, value(args, ++i, arg));
                    if (n > 500) {
                        throw new IllegalArgumentException("anomalies: --limit is at most 500");
                    }
                    limit = (int) n;
                }
                case "--server" -> server = URI.create(stripSlash(value(args, ++i, arg)));
                case "--user" -> user = value(args, ++i, arg);
                case "--ca-file" -> caFile = Path.of(value(args, ++i, arg));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("anomalies: unknown argument '" + arg + "'");
            }
        }
        if (backfill) {
            if (all == (instance != null)) {
                throw new IllegalArgumentException("anomalies backfill: give either --instance ID or --all");
            }
            if (from == null) {
                throw new IllegalArgumentException("anomalies backfill: --from is required");
            }
            if (to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("anomalies backfill: --from must be before --to");
            }
        }
        if (server != null && !List.of("https", "http").contains(String.valueOf(server.getScheme()))) {
            throw new IllegalArgumentException("anomalies: --server must be an http(s) URL such as https://host:8443/api/v1");
        }
        return new Arguments(command, instance, all, from, to, severity, state, limit, Optional.ofNullable(server), user,
                Optional.ofNullable(caFile), dataDir);
    }

    private static void requireFor(boolean ok, String flag, String command) {
        if (!ok) {
            throw new IllegalArgumentException("anomalies: " + flag + " goes with " + command + " only");
        }
    }

    private static Instant time(String flag, String text, Instant now) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            Optional<Duration> ago = Settings.parseDuration(text);
            if (ago.isPresent() && !ago.get().isNegative() && !ago.get().isZero()) {
                return now.minus(ago.get());
            }
            throw new IllegalArgumentException("anomalies: " + flag + " '" + text + "' is neither an instant (2026-12-01T00:00:00Z) nor a duration ago (7d)");
        }
    }

    private static long positive(String flag, String text) {
        if (!text.matches("[1-9][0-9]{0,17}")) {
            throw new IllegalArgumentException("anomalies: " + flag + " needs a positive whole number, not '" + text + "'");
        }
        return Long.parseLong(text);
    }

    private static String value(List<String> args, int index, String flag) {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new IllegalArgumentException("anomalies: " + flag + " needs a value");
        }
        return args.get(index);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

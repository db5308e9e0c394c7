package io.pganalytics.collector.target;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a libpq-style URL, {@code postgresql://user[:password]@host[:port][/database][?param=value...]}, into a
 * {@link TargetSpec}. The password comes from the URL, else from {@code PGPASSWORD} in the given environment;
 * a missing user falls back to {@code PGUSER}, then {@code postgres}. Parameters {@code include}, {@code exclude}
 * (comma-separated database patterns), {@code max_databases} and {@code name} configure the target; any other
 * parameter is passed to pgjdbc ({@code sslmode}, {@code sslrootcert}...).
 */
public final class TargetUrls {
    private TargetUrls() {
    }

    /**
     * @throws IllegalArgumentException naming what is wrong, never echoing the password
     */
    public static TargetSpec parse(String url, Map<String, String> env) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("target URL is empty");
        }
        String rest;
        if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else {
            throw new IllegalArgumentException("target URL must start with postgresql://");
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = decode(userInfo.substring(0, colon));
                password = decode(userInfo.substring(colon + 1));
            } else {
                user = decode(userInfo);
            }
        }
        String host;
        int port = 5432;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("target URL: unterminated IPv6 address");
            }
            host = rest.substring(1, close);
            rest = rest.substring(close + 1);
            if (rest.startsWith(":")) {
                port = parsePort(rest.substring(1));
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0) {
                host = rest.substring(0, colon);
                port = parsePort(rest.substring(colon + 1));
            } else {
                host = rest;
            }
        }
        Map<String, String> params = parseQuery(query);
        if (params.containsKey("host")) {
            host = params.remove("host");
        }
        if (params.containsKey("port")) {
            port = parsePort(params.remove("port"));
        }
        if (params.containsKey("user")) {
            user = params.remove("user");
        }
        if (params.containsKey("password")) {
            password = params.remove("password");
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        if (user == null || user.isEmpty()) {
            user = env.getOrDefault("PGUSER", "postgres");
        }
        if (password == null) {
            password = env.get("PGPASSWORD");
        }
        String database = path.isEmpty() ? params.getOrDefault("dbname", "postgres") : decode(path);
        params.remove("dbname");
        String name = params.remove("name");
        List<String> include = splitList(params.remove("include"));
        List<String> exclude = splitList(params.remove("exclude"));
        int maxDatabases = 0;
        String max = params.remove("max_databases");
        if (max != null) {
            try {
                maxDatabases = Integer.parseInt(max);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("target URL: max_databases is not a number: " + max, e);
            }
        }
        return new TargetSpec(name, host, port, database, user, password, include, exclude, maxDatabases, params);
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("target URL: port out of range: " + text);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target URL: port is not a number: " + text, e);
        }
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("target URL: parameter without a value: " + decode(pair));
            }
            params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return params;
    }

    private static List<String> splitList(String value) {
        List<String> items = new ArrayList<>();
        if (value != null) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
        }
        return items;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}

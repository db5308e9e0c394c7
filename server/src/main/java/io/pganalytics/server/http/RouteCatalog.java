package io.pganalytics.server.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Every API route as registered, so that a test can hold the OpenAPI document to it. */
public final class RouteCatalog {
    public record Entry(String method, String path, Access access) {
    }

    private final List<Entry> entries = Collections.synchronizedList(new ArrayList<>());

    void add(String method, String path, Access access) {
        entries.add(new Entry(method, path, access));
    }

    /** The methods routed for a concrete path ({@code /api/v1/users/5} matches {@code /api/v1/users/{id}}), in routing order. */
    public List<String> methodsFor(String path) {
        java.util.Set<String> methods = new java.util.LinkedHashSet<>();
        for (Entry entry : entries()) {
            if (matches(entry.path(), path)) {
                methods.add(entry.method());
            }
        }
        return List.copyOf(methods);
    }

    private static boolean matches(String template, String path) {
        String[] want = template.split("/", -1);
        String[] have = path.split("/", -1);
        if (want.length != have.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            boolean parameter = want[i].startsWith("{") && want[i].endsWith("}");
            if (parameter ? have[i].isEmpty() : !want[i].equals(have[i])) {
                return false;
            }
        }
        return true;
    }

    public List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }
}

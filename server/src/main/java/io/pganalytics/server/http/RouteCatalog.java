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

    public List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }
}

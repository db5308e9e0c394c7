package io.pganalytics.server.alerting.notify;

import java.util.Map;

/**
 * A receiver as the dispatcher delivers to it, its secrets opened. Never logged or answered: its {@code toString}
 * names the secrets, not their values.
 */
record ReceiverTarget(long id, String name, String kind, Map<String, String> settings, Map<String, String> secrets) {

    ReceiverTarget {
        settings = Map.copyOf(settings);
        secrets = Map.copyOf(secrets);
    }

    String setting(String key, String otherwise) {
        String value = settings.get(key);
        return value == null || value.isBlank() ? otherwise : value;
    }

    @Override
    public String toString() {
        return "receiver " + id + " '" + name + "' (" + kind + ", secrets " + new java.util.TreeSet<>(secrets.keySet()) + ")";
    }
}

package io.pganalytics.server.config;

import io.helidon.config.Config;
import io.pganalytics.common.units.NearestKey;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Holds the whole configuration tree to the keys the features read. A feature declares its keys once, by reading them
 * in its {@code XxxConfig.from} through {@link Settings}: while a {@link Recording} is open on a thread, every key
 * {@link Settings} reads there (present or not) is recorded, and {@link Recording#check} then refuses any key of the
 * tree that no feature read, naming its full path and the nearest valid key. So a typo cannot fall back to a default
 * silently, and a key added to a {@code from} is valid without a second list to keep in step.
 */
public final class ConfigKeys {
    private static final ThreadLocal<Set<String>> RECORDING = new ThreadLocal<>();

    private ConfigKeys() {
    }

    /** Starts recording the keys read on this thread; close it on the same thread. */
    public static Recording record() {
        Set<String> keys = new TreeSet<>();
        RECORDING.set(keys);
        return new Recording(keys);
    }

    static void read(Config node, String key) {
        Set<String> keys = RECORDING.get();
        if (keys != null) {
            String prefix = node.key().toString();
            keys.add(prefix.isEmpty() ? key : prefix + "." + key);
        }
    }

    /** The keys read since {@link #record()}. */
    public static final class Recording implements AutoCloseable {
        private final Set<String> keys;

        private Recording(Set<String> keys) {
            this.keys = keys;
        }

        public Set<String> keys() {
            return Set.copyOf(keys);
        }

        /**
         * @throws ConfigException for the first key of {@code root} (in key order) that nothing read, naming the
         *                         nearest key that was read
         */
        public void check(Config root) {
            List<String> unknown = root.traverse()
                    .filter(node -> node.type() == Config.Type.VALUE || node.type() == Config.Type.LIST)
                    .map(node -> node.key().toString())
                    .filter(key -> !known(key))
                    .sorted()
                    .toList();
            if (!unknown.isEmpty()) {
                String key = unknown.getFirst();
                String others = unknown.size() == 1 ? "" : " (and " + (unknown.size() - 1) + " more unknown: "
                        + String.join(", ", unknown.subList(1, Math.min(unknown.size(), 6))) + ")";
                throw new ConfigException(key, "unknown key; did you mean "
                        + NearestKey.among(key, keys).orElse("(no key)") + "?" + others);
            }
        }

        private boolean known(String key) {
            if (keys.contains(key) || keys.stream().anyMatch(k -> k.startsWith(key + "."))) {
                return true; // a key read, or a section holding keys read (an empty "server:" is a null value)
            }
            for (int dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
                if (keys.contains(key.substring(0, dot))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            RECORDING.remove();
        }
    }
}

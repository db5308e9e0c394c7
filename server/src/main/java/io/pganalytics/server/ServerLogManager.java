package io.pganalytics.server;

import java.util.logging.LogManager;

/**
 * Keeps java.util.logging alive until the server's own shutdown hook has logged the drain and the stop: the JDK's
 * LogManager resets (closes every handler) in a shutdown hook of its own that races with ours.
 * Installed by {@link Main} through the {@code java.util.logging.manager} property before any logger exists.
 */
public final class ServerLogManager extends LogManager {
    private volatile boolean resetAllowed;

    @Override
    public void reset() {
        if (resetAllowed) {
            super.reset();
        }
    }

    /** Called last in the shutdown hook, after the server stopped. */
    void shutdownLogging() {
        resetAllowed = true;
        super.reset();
    }

    static void finish() {
        if (LogManager.getLogManager() instanceof ServerLogManager manager) {
            manager.shutdownLogging();
        }
    }
}

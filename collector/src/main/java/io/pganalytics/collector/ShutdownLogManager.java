package io.pganalytics.collector;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager resets (closes every handler) from its own shutdown hook, which races with the
 * collector's shutdown hook and swallows its last log lines ("stopping", "N batches wait in the spool").
 * This manager ignores that reset until {@link #resetFinally()} is called at the end of the collector's hook.
 * Installed by {@link Main} through the {@code java.util.logging.manager} system property.
 */
public final class ShutdownLogManager extends LogManager {
    private volatile boolean finalReset;

    @Override
    public void reset() {
        if (finalReset || !isShuttingDown()) {
            super.reset();
        }
    }

    /** Resets now: the collector has logged its last line. */
    public static void resetFinally() {
        if (LogManager.getLogManager() instanceof ShutdownLogManager manager) {
            manager.finalReset = true;
            manager.reset();
        }
    }

    private static boolean isShuttingDown() {
        try {
            Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}

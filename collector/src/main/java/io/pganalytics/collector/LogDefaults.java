package io.pganalytics.collector;

/**
 * The JVM-wide logging set-up of each entry point (the agent's and the tools'), called first, before anything logs:
 * {@link ShutdownLogManager} as the log manager and a one-line format, unless the command line set them. Not a method of
 * ShutdownLogManager itself: calling one would initialise java.util.logging.LogManager, which reads the property, before
 * it is set.
 */
public final class LogDefaults {
    private LogDefaults() {
    }

    public static void install() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
        }
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
    }
}

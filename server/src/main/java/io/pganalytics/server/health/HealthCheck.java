package io.pganalytics.server.health;

/** One readiness check: a name and a probe that must answer quickly. */
public record HealthCheck(String name, Probe probe) {
    @FunctionalInterface
    public interface Probe {
        /** @return null when healthy, else why not, as a sentence */
        String problem();
    }
}

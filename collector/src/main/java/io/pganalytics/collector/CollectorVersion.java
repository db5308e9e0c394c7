package io.pganalytics.collector;

/** The collector's release, from the jar manifest ({@code Implementation-Version}); "dev" when run from classes. */
final class CollectorVersion {
    private CollectorVersion() {
    }

    static String current() {
        String version = CollectorVersion.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }
}

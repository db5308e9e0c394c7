package io.pganalytics.console.app;

import java.util.List;
import java.util.Optional;

/**
 * {@code pganalytics-console [--server URL [--trust-fingerprint SHA256]]}: connect at start-up, and trust the server's
 * certificate without asking when its SHA-256 fingerprint is exactly the one given (the demo passes the fingerprint of
 * the server it started). Without a fingerprint the person is asked as usual.
 */
public record StartupArguments(Optional<String> server, Optional<String> trustFingerprint) {

    public static StartupArguments parse(List<String> args) {
        String server = null;
        String fingerprint = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--server=")) {
                server = arg.substring("--server=".length());
            } else if (arg.equals("--server") && i + 1 < args.size()) {
                server = args.get(++i);
            } else if (arg.startsWith("--trust-fingerprint=")) {
                fingerprint = arg.substring("--trust-fingerprint=".length());
            } else if (arg.equals("--trust-fingerprint") && i + 1 < args.size()) {
                fingerprint = args.get(++i);
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg
                        + "'; usage: pganalytics-console [--server URL [--trust-fingerprint SHA256]]");
            }
        }
        if (fingerprint != null && server == null) {
            throw new IllegalArgumentException("--trust-fingerprint goes with --server");
        }
        return new StartupArguments(Optional.ofNullable(server).filter(s -> !s.isBlank()), Optional.ofNullable(fingerprint));
    }
}

package io.pganalytics.server.cli;

import java.util.Optional;

/** Reads what the operator types: a password without echo, a code. Empty when there is no console. */
@FunctionalInterface
public interface Prompter {
    Optional<char[]> secret(String prompt);
}

package io.pganalytics.server.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PKCS#11 token for tests: SoftHSM2 (Debian package softhsm2), its tokens in {@code target/softhsm/tokens}.
 * <p>
 * The library reads {@code SOFTHSM2_CONF} from the process environment once, when it is first loaded, and finds only
 * the tokens that exist then: surefire sets the variable (server/pom.xml, {@code environmentVariables}), and this
 * fixture writes that file and initialises every token a test JVM uses on first call, before any test loads the
 * library. {@link #TOKEN} is shared: tests keep apart by a key-label prefix of their own. {@link #NEVER_LOGGED_IN} is
 * for wrong-PIN tests: PKCS#11 login state is per process and token, and a token someone in this JVM is logged in to
 * would not check a PIN at all.
 */
public final class SoftHsm {
    public static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
    public static final String UTIL = "softhsm2-util";
    public static final String CONF_VARIABLE = "SOFTHSM2_CONF";
    public static final Token TOKEN = new Token("pga-test", "pga-user-pin-4711");
    public static final Token NEVER_LOGGED_IN = new Token("pga-wrong-pin", "pga-user-pin-0815");
    private static final String SO_PIN = "pga-so-pin-2026";
    private static final List<Token> ALL = List.of(TOKEN, NEVER_LOGGED_IN);
    private static boolean ready;

    private SoftHsm() {
    }

    /** A token's label and its user PIN. */
    public record Token(String label, String pin) {
        /** A file (owner-only) holding the PIN on its first line, as {@code encryption.pkcs11.pin-file} reads it. */
        public Path pinFile() {
            Path file = conf().resolveSibling(label + ".pin");
            try {
                if (!Files.exists(file)) {
                    Files.writeString(file, pin + "\n", StandardCharsets.UTF_8);
                }
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Makes the tokens (once per JVM, from a fresh token directory) and returns the library's path. Skips the test when
     * SoftHSM2 is not installed; fails when the build did not set {@code SOFTHSM2_CONF}.
     */
    public static synchronized String library() {
        Assumptions.assumeTrue(installed(), "SoftHSM2 is not installed (apt-get install softhsm2): the PKCS#11 tests need "
                + UTIL + " and " + LIBRARY);
        if (!ready) {
            Path conf = conf();
            Path tokens = conf.resolveSibling("tokens");
            try {
                deleteTree(tokens);
                Files.createDirectories(tokens);
                Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n"
                        + "slots.removable = false\n", StandardCharsets.UTF_8);
                for (Token token : ALL) {
                    run(conf, UTIL, "--init-token", "--free", "--label", token.label(), "--pin", token.pin(), "--so-pin", SO_PIN);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ready = true;
        }
        return LIBRARY;
    }

    /** The configuration file the build named in {@code SOFTHSM2_CONF}. */
    public static Path conf() {
        String value = System.getenv(CONF_VARIABLE);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(CONF_VARIABLE + " is not set: run the PKCS#11 tests through Maven (server/pom.xml sets it "
                    + "for surefire) or set it to <module>/target/softhsm/softhsm2.conf before the JVM starts");
        }
        Path conf = Path.of(value).toAbsolutePath();
        try {
            Files.createDirectories(conf.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return conf;
    }

    private static boolean installed() {
        if (!Files.isReadable(Path.of(LIBRARY))) {
            return false;
        }
        try {
            Process probe = new ProcessBuilder(UTIL, "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(Path conf, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(CONF_VARIABLE, conf.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command[0], command[1]) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

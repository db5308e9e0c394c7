package io.pganalytics.tools.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The JavaFX console as a child process, already pointed at the demo's server and pinned to its certificate:
 * {@code java -jar pganalytics-console.jar --server <api> --trust-fingerprint <SHA-256>}.
 */
final class DemoConsole {
    private DemoConsole() {
    }

    static List<String> command(Path consoleJar, ServerRuntime runtime) {
        return List.of(ServerProcess.javaExecutable().toString(), "-jar", consoleJar.toString(),
                "--server", runtime.apiUrl(), "--trust-fingerprint", runtime.certificateSha256());
    }

    static String commandLine(Path consoleJar, ServerRuntime runtime) {
        return "java -jar " + consoleJar + " --server " + runtime.apiUrl() + " --trust-fingerprint " + runtime.certificateSha256();
    }

    /** Starts the console when its jar is built; otherwise says how to start it once it is. */
    static Optional<Process> start(Path consoleJar, ServerRuntime runtime, Path log, PrintStream out) {
        if (!Files.isRegularFile(consoleJar)) {
            out.println("the console is not built (" + consoleJar + " is missing): build it with ./mvnw -B -DskipTests install, then run");
            out.println("  " + commandLine(consoleJar, runtime));
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder(command(consoleJar, runtime))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            out.println("console started (pid " + process.pid() + ", log " + log + "); log in as admin");
            process.onExit().thenAccept(p -> out.println("the console exited (status " + p.exitValue()
                    + "); the demo keeps running: Ctrl-C stops it. Start it again with:\n  " + commandLine(consoleJar, runtime)));
            return Optional.of(process);
        } catch (IOException e) {
            out.println("cannot start the console (" + e.getMessage() + "); start it with:\n  " + commandLine(consoleJar, runtime));
            return Optional.empty();
        }
    }

    /** A PEM certificate's SHA-256 fingerprint, colon-separated upper-case hex, as the server reports it. */
    static String fingerprint(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }
}

package io.pganalytics.server.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the two offline verifiers of an export: {@code pganalytics-server audit verify-export} and {@code tools/audit-verify.py}. */
final class OfflineVerifiers {
    record Result(int exit, String output) {
    }

    private OfflineVerifiers() {
    }

    static Result java(Path file, String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("verify-export", file.toString()));
        args.addAll(List.of(options));
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit = new AuditCommand(print, print).run(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8));
    }

    static Result python(Path file, String... options) throws IOException, InterruptedException {
        Path script = Path.of("..", "tools", "audit-verify.py").toAbsolutePath().normalize();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no " + script);
        }
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), file.toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("audit-verify.py did not finish within 120 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}

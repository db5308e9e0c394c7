package io.pganalytics.server.testing;

import io.pganalytics.server.cluster.ClusterConfig;
import io.pganalytics.server.cluster.ClusterModule;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One member of a {@link HazelcastMembers} cluster in a JVM of its own (configured as server nodes are, through
 * {@link ClusterModule}), so that a test can cut it off the way a network partition does: {@link #freeze()} stops the
 * process with SIGSTOP, and its connections stay open but nothing answers on them (no reset, no FIN), as when a
 * firewall drops its packets. {@link #close()} kills it.
 */
public final class HazelcastPeerProcess implements AutoCloseable {
    private static final String JOINED = "joined";
    private final Process process;

    private HazelcastPeerProcess(Process process) {
        this.process = process;
    }

    /** Starts member {@code index} of {@code members} in a new JVM and waits until it has joined (60 s at most). */
    public static HazelcastPeerProcess start(HazelcastMembers members, int index) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("java.") || a.startsWith("jdk.") || a.startsWith("ALL-"))
                .forEach(command::add);
        command.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                members.clusterName(), Integer.toString(members.port(index))));
        command.addAll(members.addresses());
        Path log = TestServers.tempDir().resolve("peer.log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        HazelcastPeerProcess peer = new HazelcastPeerProcess(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    String read;
                    while ((read = out.readLine()) != null) {
                        if (read.equals(JOINED)) {
                            return read;
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("the peer member exited before joining: see " + log);
            }
            return peer;
        } catch (ExecutionException | TimeoutException e) {
            peer.close();
            throw new IllegalStateException("the peer member did not join within 60 s: see " + log, e);
        }
    }

    /** SIGSTOP: the member stops answering, its connections stay open. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT: the member answers again. */
    public void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The peer's JVM (an entry point, so it may print): {@code <cluster name> <port> <member>...}. */
    public static final class Main {
        private Main() {
        }

        /** Prints {@value HazelcastPeerProcess#JOINED} once the others are seen, then runs until killed. */
        public static void main(String[] args) throws InterruptedException {
            List<String> members = Arrays.asList(args).subList(2, args.length);
            ClusterModule member = ClusterModule.start(new ClusterConfig(args[0], ClusterConfig.Join.MEMBERS, members, "",
                    "127.0.0.1", Integer.parseInt(args[1]), false), "peer-" + args[1]);
            Eventually.await(Duration.ofSeconds(60), "the peer joins the others", () -> member.memberCount() >= 2);
            System.out.println(JOINED);
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }
}

package io.pganalytics.server;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.pganalytics.helm.Cases;
import io.pganalytics.helm.Chart;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collectors' register step as rendered (register.sh, run by sh as the init container runs it, on the pod's laid
 * out files): it registers with the token named after the node, else the shared "token" key, and does nothing once an
 * identity exists. {@code pganalytics-collector} is a stand-in that records its arguments.
 */
class CollectorRegistrationScriptTest {
    @TempDir
    Path root;
    private RenderedPod laid;
    private Path script;
    private Path calls;
    private Path bin;

    @BeforeEach
    void lay() throws Exception {
        Chart.Rendered rendered = Chart.render(Cases.COLLECTORS_DAEMONSET.values());
        DaemonSet set = rendered.one(DaemonSet.class, "pganalytics-collector-daemonset");
        PodSpec pod = set.getSpec().getTemplate().getSpec();
        Container register = pod.getInitContainers().stream().filter(c -> c.getName().equals("register")).findFirst().orElseThrow();
        assertEquals(List.of("sh", "/etc/pganalytics-collector/config/register.sh"), register.getCommand());
        laid = RenderedPod.lay(root.resolve("pod"), pod, register, "ignored", (type, name) -> rendered.find(type, name));
        String text = rendered.one(ConfigMap.class, "pganalytics-collector-daemonset").getData().get("register.sh");
        script = root.resolve("register.sh");
        Files.writeString(script, laid.moved(text));
        calls = root.resolve("calls");
        bin = Files.createDirectories(root.resolve("bin"));
        Path stub = bin.resolve("pganalytics-collector");
        Files.writeString(stub, "#!/bin/sh\necho \"$@\" > " + calls + "\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        Path tokens = laid.inside("/etc/pganalytics-collector/token");
        try (var files = Files.list(tokens)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    @Test
    void registersWithTheTokenNamedAfterItsNode() throws Exception {
        token("node-1", "tok-node-1");
        token("token", "tok-shared");
        assertEquals(0, run("node-1"));
        String args = Files.readString(calls);
        assertTrue(args.startsWith("register --server https://pganalytics.monitoring.svc:8443 --token-file "
                + laid.inside("/etc/pganalytics-collector/token/node-1")), args);
        assertTrue(args.contains("--name node-1 --config " + laid.inside("/etc/pganalytics-collector/config/collector.yaml")), args);
        assertTrue(args.contains("--ca-file " + laid.inside("/etc/pganalytics-collector/tls/ca.crt")), args);
    }

    @Test
    void fallsBackToTheSharedToken() throws Exception {
        token("token", "tok-shared");
        assertEquals(0, run("node-2"));
        assertTrue(Files.readString(calls).contains("--token-file " + laid.inside("/etc/pganalytics-collector/token/token") + " "));
    }

    @Test
    void anExistingIdentityIsNotRegisteredAgain() throws Exception {
        token("token", "tok-shared");
        Files.writeString(laid.inside("/var/lib/pganalytics-collector/identity.json"), "{\"collectorId\":\"c-1\"}");
        assertEquals(0, run("node-1"));
        assertFalse(Files.exists(calls), "register ran again with a spent token");
    }

    private void token(String key, String value) throws Exception {
        Files.writeString(laid.inside("/etc/pganalytics-collector/token").resolve(key), value);
    }

    private int run(String collectorName) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true)
                .redirectOutput(root.resolve("out.txt").toFile());
        Map<String, String> env = new HashMap<>(builder.environment());
        env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("COLLECTOR_NAME", collectorName);
        builder.environment().putAll(env);
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return process.exitValue();
    }
}

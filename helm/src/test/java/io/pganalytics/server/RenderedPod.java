package io.pganalytics.server;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A rendered container's file system and environment laid out under a directory, as the kubelet would: each Secret and
 * ConfigMap volume written from the rendered object (the operator's own Secrets with a placeholder), each emptyDir,
 * claim or host directory an empty directory (the node's /proc: this machine's); variables from values, Secrets and the downward API. Paths in a configuration file are then
 * moved under that directory, so that the product's own readers can check the rendered configuration, files included.
 */
final class RenderedPod {
    static final String POD_IP = "10.1.2.3";
    private final Path root;
    private final List<VolumeMount> mounts;
    private final Map<String, String> environment = new LinkedHashMap<>();

    private RenderedPod(Path root, List<VolumeMount> mounts) {
        this.root = root;
        this.mounts = mounts.stream().sorted(Comparator.comparing((VolumeMount m) -> m.getMountPath().length()).reversed()).toList();
    }

    static RenderedPod lay(Path root, PodSpec pod, Container container, String podName,
                           BiFunction<Class<? extends io.fabric8.kubernetes.api.model.HasMetadata>, String, Optional<?>> find) {
        RenderedPod laid = new RenderedPod(root, container.getVolumeMounts());
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElse(null);
            Path dir = laid.inside(mount.getMountPath());
            if (volume != null && volume.getHostPath() != null && "/proc".equals(volume.getHostPath().getPath())) {
                // the node's /proc: this machine's, as the kubelet would bind it
                create(dir.getParent());
                try {
                    Files.createSymbolicLink(dir, Path.of("/proc"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                continue;
            }
            create(dir);
            if (volume != null && volume.getSecret() != null) {
                Optional<?> secret = find.apply(Secret.class, volume.getSecret().getSecretName());
                Map<String, String> data = secret.map(s -> decoded(((Secret) s).getData())).orElse(Map.of());
                boolean allKeys = volume.getSecret().getItems() == null || volume.getSecret().getItems().isEmpty();
                List<String> keys = allKeys ? List.copyOf(data.keySet())
                        : volume.getSecret().getItems().stream().map(i -> i.getKey()).toList();
                List<String> paths = allKeys ? keys : volume.getSecret().getItems().stream().map(i -> i.getPath()).toList();
                if (secret.isEmpty() && allKeys) {
                    keys = List.of("passphrase", "kek.p12", "token", "password");
                    paths = keys;
                }
                for (int i = 0; i < keys.size(); i++) {
                    write(dir.resolve(paths.get(i)), data.getOrDefault(keys.get(i), "placeholder-of-the-operator-secret"));
                }
            } else if (volume != null && volume.getConfigMap() != null) {
                ConfigMap map = (ConfigMap) find.apply(ConfigMap.class, volume.getConfigMap().getName()).orElseThrow();
                map.getData().forEach((key, value) -> write(dir.resolve(key), value));
            }
        }
        for (EnvVar env : container.getEnv()) {
            String value = env.getValue();
            if (env.getValueFrom() != null && env.getValueFrom().getFieldRef() != null) {
                value = switch (env.getValueFrom().getFieldRef().getFieldPath()) {
                    case "status.podIP" -> POD_IP;
                    case "metadata.name" -> podName;
                    case "spec.nodeName" -> "node-1";
                    default -> throw new AssertionError("unexpected field " + env.getValueFrom().getFieldRef().getFieldPath());
                };
            } else if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                var ref = env.getValueFrom().getSecretKeyRef();
                value = find.apply(Secret.class, ref.getName()).map(s -> decoded(((Secret) s).getData()).get(ref.getKey()))
                        .orElse("placeholder-of-the-operator-secret");
            }
            laid.environment.put(env.getName(), value);
        }
        return laid;
    }

    /** Where a path of the container is under the root. */
    Path inside(String containerPath) {
        return root.resolve(containerPath.substring(1));
    }

    /** A configuration text with every mounted path moved under the root (one pass: a moved path is not moved again). */
    String moved(String text) {
        String alternatives = mounts.stream().map(m -> java.util.regex.Pattern.quote(m.getMountPath()))
                .collect(java.util.stream.Collectors.joining("|"));
        java.util.regex.Pattern paths = java.util.regex.Pattern.compile("(?<=[\\s\\[,'\"=])(" + alternatives + ")(?=[/\\s'\",\\]]|$)",
                java.util.regex.Pattern.MULTILINE);
        return paths.matcher(text).replaceAll(match -> java.util.regex.Matcher.quoteReplacement(inside(match.group(1)).toString()));
    }

    Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    private static Map<String, String> decoded(Map<String, String> data) {
        Map<String, String> result = new LinkedHashMap<>();
        if (data != null) {
            data.forEach((k, v) -> result.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        return result;
    }

    private static void create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

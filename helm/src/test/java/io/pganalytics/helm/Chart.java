package io.pganalytics.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * helm/pganalytics rendered with the Helm embedded by helm-java (offline): {@code helm template} with values, and
 * {@code helm lint --strict} of a copy of the chart whose values.yaml holds the defaults merged with the values (the
 * embedded lint takes no values of its own).
 */
public final class Chart {
    public static final Path DIR = Path.of(System.getProperty("pga.chart.dir", "pganalytics")).toAbsolutePath().normalize();
    public static final String RELEASE = "pganalytics";
    public static final String NAMESPACE = "monitoring";
    /** The Kubernetes version rendered for (Helm's embedded default, 1.20, is older than the chart's kubeVersion). */
    static final String KUBE_VERSION = "v1.33.0";
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Chart() {
    }

    /** The rendered manifest for the defaults overridden by {@code values} (nested maps, as in a values file). */
    public static String template(Map<String, Object> values) {
        Path file = temporaryFile("values", dump(values));
        try {
            ClusterSecrets.start();
            return new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION)
                    .withValuesFile(file).call();
        } finally {
            delete(file);
        }
    }

    public static Rendered render(Map<String, Object> values) {
        String manifest = template(values);
        return new Rendered(manifest, objects(manifest));
    }

    public static LintResult lint(Map<String, Object> values) {
        Path copy = copyOfChart();
        try {
            Files.writeString(copy.resolve("values.yaml"), dump(merged(defaults(), values)));
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(copy);
        }
    }

    public static Map<String, Object> defaults() {
        return yaml(read(DIR.resolve("values.yaml")));
    }

    /** Every object of a rendered manifest, in the fabric8 model's types (custom resources as generic ones). */
    public static List<HasMetadata> objects(String manifest) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(manifest)) {
            boolean empty = document.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"));
            if (!empty) {
                objects.add(SERIALIZATION.unmarshal(document));
            }
        }
        return objects;
    }

    /** {@code base} with {@code overrides} laid over it, maps merged key by key. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> merged(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        overrides.forEach((key, value) -> {
            Object old = result.get(key);
            if (old instanceof Map<?, ?> oldMap && value instanceof Map<?, ?> newMap) {
                result.put(key, merged((Map<String, Object>) oldMap, (Map<String, Object>) newMap));
            } else {
                result.put(key, value);
            }
        });
        return result;
    }

    /** Values from a dotted path and a value: {@code values("a.b", 1)} is {@code {a: {b: 1}}}. */
    public static Map<String, Object> values(Object... pathsAndValues) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndValues.length; i += 2) {
            String[] path = ((String) pathsAndValues[i]).split("\\.");
            Map<String, Object> node = new LinkedHashMap<>();
            node.put(path[path.length - 1], pathsAndValues[i + 1]);
            for (int p = path.length - 2; p >= 0; p--) {
                Map<String, Object> parent = new LinkedHashMap<>();
                parent.put(path[p], node);
                node = parent;
            }
            result = merged(result, node);
        }
        return result;
    }

    public static Map<String, Object> yaml(String text) {
        Map<String, Object> map = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        return map == null ? new LinkedHashMap<>() : map;
    }

    public static String dump(Map<String, Object> values) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(values);
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path temporaryFile(String prefix, String text) {
        try {
            Path file = Files.createTempFile(prefix, ".yaml");
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copyOfChart() {
        try {
            Path target = Files.createTempDirectory("chart").resolve("pganalytics");
            Files.walkFileTree(DIR, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(target.resolve(DIR.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, target.resolve(DIR.relativize(file).toString()));
                    return FileVisitResult.CONTINUE;
                }
            });
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir.getParent())) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(Chart::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A rendered manifest and its objects. */
    public record Rendered(String manifest, List<HasMetadata> objects) {
        public <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        public <T extends HasMetadata> T one(Class<T> type, String name) {
            return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name
                    + " among " + listing()));
        }

        public <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
            return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
        }

        public List<HasMetadata> matching(Predicate<HasMetadata> predicate) {
            return objects.stream().filter(predicate).toList();
        }

        /** kind/name of every object, in rendering order. */
        public List<String> listing() {
            return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
        }
    }
}

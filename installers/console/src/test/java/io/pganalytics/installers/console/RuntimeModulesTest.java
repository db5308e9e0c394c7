package io.pganalytics.installers.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * installers/console/modules.txt (the JDK modules jlink puts in the console's runtime) holds every JDK module the
 * console's jars need: what the modular jars require and what jdeps finds in the others. A module missing from the
 * list would make the installed console fail at run time (NoClassDefFoundError), not at build time.
 */
class RuntimeModulesTest {
    private static final Pattern JDEPS_EDGE = Pattern.compile("->\\s+(\\S+)");

    @Test
    void theRuntimeHoldsEveryJdkModuleTheConsoleJarsNeed() throws IOException {
        Set<String> listed = listedModules();
        Set<String> needed = new TreeSet<>();
        for (Path jar : consoleRuntimeJars()) {
            needed.addAll(jdkModulesNeededBy(jar));
        }
        assertTrue(needed.contains("java.net.http") && needed.contains("jdk.httpserver"),
                "the scan sees the console's own needs: " + needed);
        Set<String> missing = new TreeSet<>(needed);
        missing.removeAll(listed);
        assertEquals(Set.of(), missing, "add these to installers/console/modules.txt");
    }

    @Test
    void everyListedModuleIsAJdkModule() throws IOException {
        Set<String> system = ModuleFinder.ofSystem().findAll().stream()
                .map(reference -> reference.descriptor().name()).collect(Collectors.toSet());
        Set<String> unknown = new TreeSet<>(listedModules());
        unknown.removeAll(system);
        assertEquals(Set.of(), unknown, "jlink would fail on these");
    }

    private static Set<String> listedModules() throws IOException {
        return Files.readAllLines(RepositoryFiles.module().resolve("modules.txt")).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The console jar and its runtime dependencies, as the pom's build-classpath wrote them (what gets packaged). */
    private static List<Path> consoleRuntimeJars() throws IOException {
        Path file = RepositoryFiles.module().resolve("target/console-runtime.classpath");
        String classpath = Files.readString(file).trim();
        List<Path> jars = Arrays.stream(classpath.split(java.io.File.pathSeparator)).map(Path::of).toList();
        // in a reactor build without `package`, the console is its classes directory rather than its jar
        assertTrue(jars.stream().anyMatch(jar -> jar.getFileName().toString().startsWith("pganalytics-console")
                || jar.endsWith(Path.of("console-app", "target", "classes"))), "the console is on " + file);
        return jars;
    }

    private static Set<String> jdkModulesNeededBy(Path jar) {
        Set<String> system = ModuleFinder.ofSystem().findAll().stream()
                .map(reference -> reference.descriptor().name()).collect(Collectors.toSet());
        Set<String> needed = new TreeSet<>();
        for (ModuleReference reference : ModuleFinder.of(jar).findAll()) {
            ModuleDescriptor descriptor = reference.descriptor();
            if (!descriptor.isAutomatic()) {
                descriptor.requires().stream()
                        .filter(requires -> !requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                        .map(ModuleDescriptor.Requires::name)
                        .filter(system::contains)
                        .forEach(needed::add);
                return needed;
            }
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "--multi-release", "21", "-s", jar.toString());
        assertEquals(0, exit, "jdeps " + jar + ": " + out);
        Matcher edge = JDEPS_EDGE.matcher(out.toString());
        while (edge.find()) {
            if (system.contains(edge.group(1))) {
                needed.add(edge.group(1));
            }
        }
        return needed;
    }
}

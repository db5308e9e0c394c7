package io.pganalytics.installers.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The package trees that build-packages.sh lays out ('stage': everything but the Java runtime) from the collector's and
 * the server's target directories: contents, control files, the rpm spec and the maintainer scripts.
 */
class StagedPackagesTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z]+@");
    private static final String PROJECT_VERSION = System.getProperty("pga.project.version", "3.5.0-SNAPSHOT");
    /** The installers' rule (installers/console does the same): 3.5.0-SNAPSHOT is 3.5.0-0.SNAPSHOT, 3.5.0 is 3.5.0-1. */
    private static final String DEB_VERSION = PROJECT_VERSION.contains("-")
            ? PROJECT_VERSION.replaceFirst("-", "-0.") : PROJECT_VERSION + "-1";

    @TempDir
    static Path work;

    private static String script() {
        return Packaging.dir().resolve("build-packages.sh").toString();
    }

    @BeforeAll
    static void stage() throws Exception {
        Packaging.Run run = Packaging.run(List.of("bash", script(), "stage", "--project-version", PROJECT_VERSION,
                "--work", work.toString()));
        assertEquals(0, run.exitCode(), run.output());
    }

    private static Path tree(String module) {
        return work.resolve(Packaging.name(module)).resolve("root");
    }

    private static String version(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script(), "version"));
        command.addAll(List.of(options));
        Packaging.Run run = Packaging.run(command);
        return run.exitCode() + " " + run.output().strip();
    }

    @Test
    void projectVersionBecomesAPackageVersionThatSortsBeforeTheRelease() throws Exception {
        assertEquals("0 3.5.0-0.SNAPSHOT", version("--project-version", "3.5.0-SNAPSHOT"));
        assertEquals("0 3.5.0-1", version("--project-version", "3.5.0"));
        assertEquals("0 3.5.1-0.rc1", version("--project-version", "3.5.0-SNAPSHOT", "--installer-version=3.5.1",
                "--installer-release=0.rc1"));
        assertTrue(version("--project-version", "3.5.0", "--installer-version=3.5 beta").startsWith("2 "),
                "a version with a space is refused");
        assertTrue(version("--project-version", "3.5.0", "--installer-version=3.5.0~rc1").startsWith("2 "),
                "a version MSI and macOS would refuse is refused here too");
        assertTrue(version("--project-version", "3.5.0", "--installer-release=1-2").startsWith("2 "),
                "a release with a '-' is refused");
        Packaging.Run dpkg = Packaging.run(List.of("dpkg", "--compare-versions", "3.5.0-0.SNAPSHOT", "lt", "3.5.0-1"));
        assertEquals(0, dpkg.exitCode(), "dpkg sorts 3.5.0-0.SNAPSHOT before 3.5.0-1");
    }

    @Test
    void collectorPackageHoldsOnlyTheCollector() throws Exception {
        Path tree = tree("collector");
        Path app = tree.resolve("opt/pganalytics-collector");
        Path target = Packaging.root().resolve("collector/target");
        List<String> expected = new ArrayList<>();
        try (Stream<Path> lib = Files.list(target.resolve("lib"))) {
            lib.map(p -> "lib/" + p.getFileName()).forEach(expected::add);
        }
        expected.add("pganalytics-collector.jar");
        List<String> jars = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tree)) {
            files.filter(p -> p.toString().endsWith(".jar")).forEach(p -> jars.add(app.relativize(p).toString()));
        }
        assertEquals(expected.stream().sorted().toList(), jars.stream().sorted().toList());
        for (String jar : jars) {
            assertFalse(jar.matches(".*pganalytics-(server|console|tools|analytics|db-migrations).*"), jar);
            try (JarFile file = new JarFile(app.resolve(jar).toFile())) {
                assertFalse(file.stream().anyMatch(e -> e.getName().startsWith("io/pganalytics/server/")
                        || e.getName().startsWith("io/pganalytics/console/")), jar + " holds server or console classes");
            }
        }
        try (Stream<Path> bin = Files.list(tree.resolve("usr/bin"))) {
            assertEquals(List.of("pganalytics-collector"), bin.map(p -> p.getFileName().toString()).toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void packageTreeHasTheWrapperUnitConfigurationAndDocs(String module) throws Exception {
        String name = Packaging.name(module);
        Path tree = tree(module);
        assertEquals("rwxr-xr-x", mode(tree.resolve("usr/bin/" + name)));
        assertEquals("rw-r-----", mode(tree.resolve("etc/pganalytics/" + module + ".yaml")));
        assertEquals("rw-r--r--", mode(tree.resolve("usr/lib/systemd/system/" + name + ".service")));
        assertTrue(Files.isRegularFile(tree.resolve("opt/" + name + "/" + name + ".jar")));
        assertTrue(Files.isRegularFile(tree.resolve("usr/share/doc/" + name + "/INSTALL.md")));
        assertFalse(Files.exists(tree.resolve("var")), "the state directory is made by the maintainer scripts (0700, its owner)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void thePackagedJarKnowsItsVersion(String module) throws Exception {
        // the version a packaged program prints and logs ("pgAnalytics server 3.5.0-SNAPSHOT starting"), from its manifest
        Path jar = tree(module).resolve("opt/" + Packaging.name(module) + "/" + Packaging.name(module) + ".jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertEquals(PROJECT_VERSION, file.getManifest().getMainAttributes().getValue("Implementation-Version"), jar.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void debianControlFilesDeclareVersionDependenciesAndTheConfigurationFile(String module) throws Exception {
        String name = Packaging.name(module);
        Path debian = tree(module).resolve("DEBIAN");
        String control = Files.readString(debian.resolve("control"));
        assertTrue(control.contains("Package: " + name + "\n"), control);
        assertTrue(control.contains("Version: " + DEB_VERSION + "\n"), control);
        assertTrue(control.matches("(?s).*Architecture: [a-z0-9]+\n.*"), control);
        assertTrue(control.contains("Depends: libc6, zlib1g, passwd, util-linux\n"), control);
        assertFalse(PLACEHOLDER.matcher(control).find(), "every placeholder filled: " + control);
        assertTrue(control.matches("(?s).*Description: [^\n]+\n( [^\n]+\n)+"), "an extended description: " + control);
        assertEquals(List.of("/etc/pganalytics/" + module + ".yaml"), Files.readAllLines(debian.resolve("conffiles")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void maintainerScriptsAreValidShellAndManageTheAccountAndStateDirectory(String module) throws Exception {
        String name = Packaging.name(module);
        Path debian = tree(module).resolve("DEBIAN");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path file = debian.resolve(script);
            assertEquals("rwxr-xr-x", mode(file), script);
            Packaging.Run check = Packaging.run(List.of("sh", "-n", file.toString()));
            assertEquals(0, check.exitCode(), script + ": " + check.output());
            assertFalse(PLACEHOLDER.matcher(Files.readString(file)).find(), script + " has an unfilled placeholder");
        }
        String postinst = Files.readString(debian.resolve("postinst"));
        assertTrue(postinst.contains("ACCOUNT=" + name + "\n") && postinst.contains("useradd --system"), postinst);
        assertTrue(postinst.contains("install -d -m 0700 -o \"$ACCOUNT\" -g \"$ACCOUNT\" \"$STATE\""), postinst);
        assertTrue(postinst.contains("STATE=/var/lib/" + name + "\n"), postinst);
        assertTrue(postinst.contains("chown \"root:$ACCOUNT\" \"$CONFIG\"") && postinst.contains("chmod 0640 \"$CONFIG\""));
        String postrm = Files.readString(debian.resolve("postrm"));
        assertTrue(postrm.matches("(?s).*purge\\)\\s+rm -rf \"\\$STATE\".*userdel.*"), "purge removes state and account");

        String spec = Files.readString(work.resolve(name).resolve(name + ".spec"));
        for (String scriptlet : List.of("pre", "post", "preun", "postun")) {
            Path file = work.resolve(name + "-" + scriptlet + ".sh");
            Files.writeString(file, scriptlet(spec, scriptlet));
            Packaging.Run check = Packaging.run(List.of("sh", "-n", file.toString()));
            assertEquals(0, check.exitCode(), "%" + scriptlet + ": " + check.output());
        }
        assertTrue(scriptlet(spec, "pre").contains("useradd --system --gid " + name), spec);
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void accountCommentIsAValidPasswdField(String module) throws Exception {
        String name = Packaging.name(module);
        Pattern comment = Pattern.compile("--comment \"([^\"]*)\"");
        for (String script : List.of(Files.readString(tree(module).resolve("DEBIAN/postinst")),
                Files.readString(work.resolve(name).resolve(name + ".spec")))) {
            Matcher matcher = comment.matcher(script);
            assertTrue(matcher.find(), "useradd --comment");
            // useradd refuses a ':' (the passwd file's separator) or a newline: the maintainer script would then fail
            assertFalse(matcher.group(1).contains(":") || matcher.group(1).contains("\n"), matcher.group(1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void rpmSpecKeepsTheEditedConfigurationAndAnOwnerOnlyStateDirectory(String module) throws Exception {
        String name = Packaging.name(module);
        String spec = Files.readString(work.resolve(name).resolve(name + ".spec"));
        assertTrue(spec.contains("\nName:           " + name + "\n"), spec);
        assertTrue(spec.contains("\nVersion:        " + DEB_VERSION.substring(0, DEB_VERSION.indexOf('-')) + "\n"), spec);
        assertTrue(spec.contains("\nRelease:        " + DEB_VERSION.substring(DEB_VERSION.indexOf('-') + 1) + "\n"), spec);
        Set<String> files = Set.copyOf(section(spec, "files").lines().toList());
        assertTrue(files.contains("%config(noreplace) %attr(0640,root," + name + ") /etc/pganalytics/" + module + ".yaml"), spec);
        assertTrue(files.contains("%dir %attr(0700," + name + "," + name + ") /var/lib/" + name), spec);
        assertTrue(files.contains("%attr(0644,root,root) /usr/lib/systemd/system/" + name + ".service"), spec);
        assertTrue(files.contains("/opt/" + name), spec);
        assertFalse(PLACEHOLDER.matcher(spec).find(), "every placeholder filled");
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** The text of a spec section, up to the next one. */
    private static String section(String spec, String name) {
        Matcher matcher = Pattern.compile("(?ms)^%" + name + "\\n(.*?)(?=^%(pre|post|preun|postun|files|install|description)\\b|\\z)")
                .matcher(spec);
        assertTrue(matcher.find(), "%" + name + " missing");
        return matcher.group(1);
    }

    private static String scriptlet(String spec, String name) {
        return section(spec, name);
    }
}

package io.pganalytics.installers.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The /usr/bin wrappers: the agent's JVM settings are the launcher's, the shell is valid, the defaults are the package's. */
class WrapperTest {

    private static List<String> words(String text) {
        return new ArrayList<>(List.of(text.strip().split("\\s+")));
    }

    private static String group(Pattern pattern, String text, String what) {
        Matcher matcher = pattern.matcher(text);
        assertTrue(matcher.find(), what + " not found");
        return matcher.group(1);
    }

    @Test
    void collectorRunGetsTheSameAgentJvmSettingsAsTheLauncher() throws Exception {
        String launcher = Files.readString(Packaging.root().resolve("pganalytics"));
        List<String> expected = words(group(Pattern.compile("\\n\\s*agent_opts=\\((-[^)]*)\\)"), launcher, "launcher agent_opts"));
        expected.add(group(Pattern.compile("agent_opts\\+=\\(([^)]*)\\)"), launcher, "launcher JDK 25 flag"));
        assertTrue(launcher.contains("MALLOC_ARENA_MAX=\"${MALLOC_ARENA_MAX:-2}\""), "the launcher's glibc arenas");

        String wrapper = Files.readString(Packaging.sources("collector").resolve("pganalytics-collector"));
        List<String> actual = words(group(Pattern.compile("\\n\\s*agent_opts=\"(-[^\"]*)\""), wrapper, "wrapper agent_opts"));
        actual.add(group(Pattern.compile("agent_opts=\"\\$agent_opts ([^\"]*)\""), wrapper, "wrapper JDK 25 flag"));
        assertEquals(expected, actual);
        assertTrue(wrapper.contains("MALLOC_ARENA_MAX=\"${MALLOC_ARENA_MAX:-2}\""), "the wrapper's glibc arenas");
        assertTrue(wrapper.contains("$agent_opts ${PGANALYTICS_JAVA_OPTS:-}"), "PGANALYTICS_JAVA_OPTS comes last, so it wins");
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void wrapperIsValidShellOnThePackagesRuntimeAndDropsRootToTheServiceAccount(String module) throws Exception {
        String name = Packaging.name(module);
        Path wrapper = Packaging.sources(module).resolve(name);
        Packaging.Run check = Packaging.run(List.of("sh", "-n", wrapper.toString()));
        assertEquals(0, check.exitCode(), check.output());
        String text = Files.readString(wrapper);
        assertTrue(text.startsWith("#!/bin/sh\n"), "a POSIX shell script");
        assertTrue(text.contains("APP=/opt/" + name + "\n"), "the package's directory");
        assertTrue(text.contains("exec \"$APP/runtime/bin/java\""), "the bundled runtime, not the system's java");
        assertTrue(text.contains("CONFIG=/etc/pganalytics/" + module + ".yaml\n"), "the packaged configuration");
        assertTrue(text.contains("exec runuser -u \"$ACCOUNT\" -- \"$0\" \"$@\""), "root runs it as the service's account");
        assertTrue(text.contains("ACCOUNT=" + name + "\n"));
        assertFalse(text.contains("JDK_JAVA_OPTIONS"));
    }
}

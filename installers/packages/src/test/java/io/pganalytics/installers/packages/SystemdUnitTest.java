package io.pganalytics.installers.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The systemd units of the packages: their own account, the hardening keys, one writable path, the wrapper. */
class SystemdUnitTest {

    private static Map<String, List<String>> service(String module) throws Exception {
        Path unit = Packaging.sources(module).resolve(Packaging.name(module) + ".service");
        return Packaging.section(unit, "Service");
    }

    private static String one(Map<String, List<String>> keys, String key) {
        List<String> values = keys.get(key);
        assertTrue(values != null && values.size() == 1, key + " should be set exactly once, got " + values);
        return values.getFirst();
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void unitRunsAsItsOwnAccountWithTheHardeningKeys(String module) throws Exception {
        Map<String, List<String>> service = service(module);
        String name = Packaging.name(module);
        assertEquals(name, one(service, "User"));
        assertEquals(name, one(service, "Group"));
        Map<String, String> expected = Map.ofEntries(
                Map.entry("NoNewPrivileges", "yes"), Map.entry("ProtectSystem", "strict"),
                Map.entry("PrivateTmp", "yes"), Map.entry("ProtectHome", "yes"), Map.entry("PrivateDevices", "yes"),
                Map.entry("ProtectKernelTunables", "yes"), Map.entry("ProtectKernelModules", "yes"),
                Map.entry("ProtectControlGroups", "yes"), Map.entry("RestrictSUIDSGID", "yes"),
                Map.entry("RestrictNamespaces", "yes"), Map.entry("LockPersonality", "yes"),
                Map.entry("CapabilityBoundingSet", ""), Map.entry("AmbientCapabilities", ""),
                Map.entry("UMask", "0077"));
        expected.forEach((key, value) -> assertEquals(value, one(service, key), name + ": " + key));
        List<String> families = List.of(one(service, "RestrictAddressFamilies").split("\\s+"));
        assertTrue(families.containsAll(List.of("AF_UNIX", "AF_INET", "AF_INET6")), families.toString());
        assertFalse(families.contains("AF_PACKET"), families.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void theOnlyWritablePathIsTheStateDirectory(String module) throws Exception {
        Map<String, List<String>> service = service(module);
        assertEquals("/var/lib/" + Packaging.name(module), one(service, "ReadWritePaths"));
        assertNull(service.get("ReadWriteDirectories"));
        assertNull(service.get("StateDirectory"), "the maintainer scripts own the state directory (0700)");
        assertNull(service.get("LogsDirectory"), "logs go to the journal");
        assertEquals("/var/lib/" + Packaging.name(module), one(service, "WorkingDirectory"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void memoryDenyWriteExecuteStaysOffBecauseTheJitWritesCode(String module) throws Exception {
        List<String> values = service(module).get("MemoryDenyWriteExecute");
        assertTrue(values == null || values.equals(List.of("no")), "the JIT needs writable, executable memory: " + values);
    }

    @ParameterizedTest
    @ValueSource(strings = {"collector", "server"})
    void execStartRunsTheWrapperOnThePackagedConfigurationAndLogsToTheJournal(String module) throws Exception {
        Map<String, List<String>> service = service(module);
        String name = Packaging.name(module);
        String execStart = one(service, "ExecStart");
        assertTrue(execStart.startsWith("/usr/bin/" + name + " "), execStart);
        assertTrue(execStart.endsWith("--config /etc/pganalytics/" + module + ".yaml"), execStart);
        assertNull(service.get("StandardOutput"), "stdout goes to the journal (the default)");
        assertNull(service.get("StandardError"), "stderr goes to the journal (the default)");
        assertEquals("2", one(service, "RestartPreventExitStatus"), "a bad configuration is not retried");
        assertEquals(List.of("multi-user.target"),
                Packaging.section(Packaging.sources(module).resolve(name + ".service"), "Install").get("WantedBy"));
    }
}

package io.pganalytics.installers.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** .github/workflows/installers.yml: one job per OS, the same Maven command, signing from secrets, checksums. */
class InstallersWorkflowTest {
    static final String MAVEN_COMMAND = "./mvnw -B -Pinstallers -pl installers/console -am package -DskipTests";

    private static Map<String, Object> job;
    private static List<Map<String, Object>> steps;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        Path file = RepositoryFiles.root().resolve(".github/workflows/installers.yml");
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> workflow = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            Map<String, Object> jobs = (Map<String, Object>) workflow.get("jobs");
            job = (Map<String, Object>) jobs.get("console");
            steps = (List<Map<String, Object>>) job.get("steps");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMatrixNamesLinuxWindowsAndMacos() {
        Map<String, Object> matrix = (Map<String, Object>) ((Map<String, Object>) job.get("strategy")).get("matrix");
        List<String> systems = (List<String>) matrix.get("os");
        assertEquals(3, systems.size(), "one runner per OS: " + systems);
        for (String prefix : List.of("ubuntu-", "windows-", "macos-")) {
            assertTrue(systems.stream().anyMatch(os -> os.startsWith(prefix)), prefix + " missing from " + systems);
        }
        assertEquals("${{ matrix.os }}", job.get("runs-on"));
    }

    @Test
    void everyOsRunsTheSameMavenCommand() {
        List<Map<String, Object>> builds = steps.stream()
                .filter(step -> String.valueOf(step.get("run")).contains("./mvnw"))
                .toList();
        assertEquals(1, builds.size(), "one Maven step shared by every OS");
        Map<String, Object> build = builds.get(0);
        assertTrue(String.valueOf(build.get("run")).startsWith(MAVEN_COMMAND), "the README's command: " + build.get("run"));
        assertEquals(null, build.get("if"), "the build step runs on every OS");
    }

    @Test
    void windowsSigningTakesTheCertificateFromSecrets() {
        Map<String, Object> sign = step("signtool");
        assertTrue(String.valueOf(sign.get("if")).contains("runner.os == 'Windows'"), "Windows only: " + sign.get("if"));
        assertTrue(sign.get("env").toString().contains("secrets.WINDOWS_CERTIFICATE"), "certificate from secrets");
        assertTrue(sign.get("env").toString().contains("secrets.WINDOWS_CERTIFICATE_PASSWORD"), "password from secrets");
        assertTrue(String.valueOf(sign.get("run")).contains("/tr "), "a timestamp keeps the signature valid after expiry");
    }

    @Test
    void macosSigningAndNotarizationTakeTheirCredentialsFromSecrets() {
        Map<String, Object> certificate = step("security import");
        assertTrue(String.valueOf(certificate.get("if")).contains("runner.os == 'macOS'"));
        assertTrue(certificate.get("env").toString().contains("secrets.MACOS_CERTIFICATE"));
        assertTrue(certificate.get("env").toString().contains("secrets.MACOS_SIGNING_IDENTITY"));
        Map<String, Object> notarize = step("notarytool");
        assertTrue(String.valueOf(notarize.get("if")).contains("runner.os == 'macOS'"));
        assertTrue(notarize.get("env").toString().contains("secrets.MACOS_NOTARY_PASSWORD"));
        assertTrue(String.valueOf(notarize.get("run")).contains("stapler staple"));
    }

    @Test
    void checksumsCoverTheSignedArtefactsAndAreUploaded() {
        int checksums = index("SHA256SUMS");
        assertTrue(checksums > index("signtool") && checksums > index("notarytool"),
                "SHA256SUMS is written after signing, over the final files");
        String run = String.valueOf(steps.get(checksums).get("run"));
        for (String type : List.of("*.deb", "*.rpm", "*.msi", "*.dmg", "*.pkg")) {
            assertTrue(run.contains(type), type + " not summed");
        }
        Map<String, Object> upload = steps.stream()
                .filter(step -> String.valueOf(step.get("uses")).startsWith("actions/upload-artifact"))
                .findFirst().orElseThrow(() -> new AssertionError("no upload step"));
        assertTrue(upload.get("with").toString().contains("SHA256SUMS"), "the checksums are uploaded with the artefacts");
    }

    private static Map<String, Object> step(String runContains) {
        return steps.get(index(runContains));
    }

    private static int index(String runContains) {
        for (int i = 0; i < steps.size(); i++) {
            if (String.valueOf(steps.get(i).get("run")).contains(runContains)) {
                return i;
            }
        }
        throw new AssertionError("no step runs '" + runContains + "'");
    }
}

package io.pganalytics.installers.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The jpackage configuration in installers/console/pom.xml's installers profile, and the files it points at. */
class JpackageConfigurationTest {
    private static Document pom;
    private static final Map<String, Element> EXECUTIONS = new HashMap<>();

    @BeforeAll
    static void parse() throws Exception {
        pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(RepositoryFiles.module().resolve("pom.xml").toFile());
        Element installers = profile("installers");
        NodeList plugins = installers.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (text(plugin, "artifactId").equals("jpackage-maven-plugin")) {
                NodeList executions = plugin.getElementsByTagName("execution");
                for (int j = 0; j < executions.getLength(); j++) {
                    Element execution = (Element) executions.item(j);
                    EXECUTIONS.put(text(execution, "id"), execution);
                }
            }
        }
    }

    @Test
    void eachOsBuildsItsOwnInstallerTypesOnlyOnThatOs() {
        Map<String, List<String>> expected = Map.of(
                "deb", List.of("DEB", "${installer.skip.linux}"),
                "rpm", List.of("RPM", "${installer.skip.linux}"),
                "msi", List.of("MSI", "${installer.skip.windows}"),
                "dmg", List.of("DMG", "${installer.skip.mac}"),
                "pkg", List.of("PKG", "${installer.skip.mac}"));
        assertEquals(expected.keySet(), EXECUTIONS.keySet());
        expected.forEach((id, typeAndSkip) -> {
            assertEquals(typeAndSkip.get(0), text(EXECUTIONS.get(id), "type"), id);
            assertEquals(typeAndSkip.get(1), text(EXECUTIONS.get(id), "skip"), id);
            assertEquals("package", text(EXECUTIONS.get(id), "phase"), id);
        });
        assertEquals("false", property(profile("os-linux"), "installer.skip.linux"));
        assertEquals("false", property(profile("os-windows"), "installer.skip.windows"));
        assertEquals("false", property(profile("os-mac"), "installer.skip.mac"));
    }

    @Test
    void theApplicationIsNamedVersionedAndStartsTheConsoleLauncher() {
        assertEquals("pgAnalytics Console", property(pom.getDocumentElement(), "installer.name"));
        Element configuration = pluginConfiguration();
        assertEquals("${installer.name}", text(configuration, "name"));
        assertEquals("${installer.version}", text(configuration, "appVersion"));
        assertEquals("io.pganalytics.console.Launcher", text(configuration, "mainClass"));
        assertEquals("pganalytics-console.jar", text(configuration, "mainJar"));
        assertEquals("${installer.modules}", text(configuration, "addModule"), "the runtime is modules.txt");
        assertTrue(text(configuration, "jLinkOptions").contains("--strip-debug"));
    }

    @Test
    void theLinuxPackagesHaveADesktopEntryAndGtk() {
        for (String id : List.of("deb", "rpm")) {
            Element execution = EXECUTIONS.get(id);
            assertEquals("pganalytics-console", text(execution, "linuxPackageName"), id);
            assertEquals("true", text(execution, "linuxShortcut"), id);
            assertTrue(text(execution, "linuxMenuGroup").contains("Database"), id);
            assertTrue(text(execution, "icon").endsWith("icons/pganalytics-console.png"), id);
            assertEquals("${installer.release}", text(execution, "linuxAppRelease"), id);
        }
        assertTrue(text(EXECUTIONS.get("deb"), "linuxPackageDeps").contains("libgtk-3-0"), "JavaFX's glass needs GTK 3");
        assertTrue(text(EXECUTIONS.get("rpm"), "linuxPackageDeps").contains("gtk3"), "JavaFX's glass needs GTK 3");
    }

    @Test
    void theDebPostinstCreatesTheMenuDirectoriesBeforeRegisteringTheEntry() throws IOException {
        Path resources = RepositoryFiles.module().resolve(text(EXECUTIONS.get("deb"), "resourceDir")
                .replace("${project.basedir}/", ""));
        String postinst = Files.readString(resources.resolve("postinst"));
        int mkdir = postinst.indexOf("mkdir -p /etc/xdg/menus/applications-merged /usr/share/applications "
                + "/usr/share/desktop-directories");
        int register = postinst.indexOf("DESKTOP_COMMANDS_INSTALL");
        assertTrue(mkdir > 0 && register > mkdir, "xdg-desktop-menu fails (exit 3) without those directories");
        assertTrue(postinst.contains("set -e"));
    }

    @Test
    void windowsInstallsPerUserWithAMenuAndUpgradesInPlace() {
        Element msi = EXECUTIONS.get("msi");
        assertEquals("true", text(msi, "winPerUserInstall"));
        assertEquals("true", text(msi, "winMenu"));
        assertEquals("true", text(msi, "winShortcut"));
        assertTrue(text(msi, "icon").endsWith("icons/pganalytics-console.ico"));
        String upgrade = property(pom.getDocumentElement(), "installer.win.upgrade.uuid");
        assertEquals(upgrade, UUID.fromString(upgrade).toString(), "a fixed upgrade code replaces older versions");
        assertEquals("${installer.win.upgrade.uuid}", text(msi, "winUpgradeUuid"));
    }

    @Test
    void macosPackagesCarryTheBundleIdentifierAndSignOnlyInTheSigningProfile() {
        for (String id : List.of("dmg", "pkg")) {
            assertEquals("io.pganalytics.console", text(EXECUTIONS.get(id), "macPackageIdentifier"), id);
            assertTrue(text(EXECUTIONS.get(id), "icon").endsWith("icons/pganalytics-console.icns"), id);
            assertEquals("", text(EXECUTIONS.get(id), "macSign"), "unsigned unless -Pmac-sign");
        }
        assertEquals("true", text(profile("mac-sign"), "macSign"), "-Pmac-sign turns signing on");
        assertEquals("${installer.mac.signing.user}", text(profile("mac-sign"), "macSigningKeyUserName"));
    }

    @Test
    void theIconsAreRealImagesForEachOs() throws IOException {
        Path icons = RepositoryFiles.module().resolve("icons");
        byte[] png = Files.readAllBytes(icons.resolve("pganalytics-console.png"));
        assertEquals(0x89504E47, readInt(png, 0), "PNG signature");
        assertEquals(256, readInt(png, 16), "256 px wide (IHDR)");
        assertEquals(256, readInt(png, 20), "256 px high (IHDR)");

        byte[] ico = Files.readAllBytes(icons.resolve("pganalytics-console.ico"));
        assertEquals(0, ico[0] | ico[1], "ICO reserved word");
        assertEquals(1, ico[2], "ICO type 1 (icon)");
        int images = (ico[4] & 0xff) | (ico[5] & 0xff) << 8;
        assertTrue(images >= 5, "16..256 px sizes: " + images);
        boolean has256 = false;
        for (int i = 0; i < images; i++) {
            has256 |= ico[6 + 16 * i] == 0 && ico[7 + 16 * i] == 0; // 0 means 256
        }
        assertTrue(has256, "a 256 px image for Windows' large icons");

        byte[] icns = Files.readAllBytes(icons.resolve("pganalytics-console.icns"));
        assertEquals("icns", new String(icns, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(icns.length, readInt(icns, 4), "ICNS length header");
        assertEquals("ic07", new String(icns, 8, 4, java.nio.charset.StandardCharsets.US_ASCII), "128 px entry first");
    }

    private static int readInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) << 24 | (bytes[offset + 1] & 0xff) << 16 | (bytes[offset + 2] & 0xff) << 8
                | (bytes[offset + 3] & 0xff);
    }

    private static Element pluginConfiguration() {
        Element installers = profile("installers");
        NodeList plugins = installers.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (text(plugin, "artifactId").equals("jpackage-maven-plugin")) {
                for (Node child = plugin.getFirstChild(); child != null; child = child.getNextSibling()) {
                    if (child instanceof Element element && element.getTagName().equals("configuration")) {
                        return element;
                    }
                }
            }
        }
        throw new AssertionError("no jpackage plugin configuration in the installers profile");
    }

    private static Element profile(String id) {
        NodeList profiles = pom.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if (text(profile, "id").equals(id)) {
                return profile;
            }
        }
        throw new AssertionError("no profile " + id);
    }

    private static String property(Element scope, String name) {
        NodeList properties = scope.getElementsByTagName("properties");
        assertTrue(properties.getLength() > 0, "no properties in " + scope.getTagName());
        return text((Element) properties.item(0), name);
    }

    /** The first descendant element's text, or "" when there is none. */
    private static String text(Element scope, String tag) {
        NodeList found = scope.getElementsByTagName(tag);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().trim();
    }
}

package io.pganalytics.server.alerting.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers of the alerting API, read from its compiled classes (every class a class uses is named in its constant
 * pool): routes reach services only, never a repository or JDBC; only repositories and the database helper hold SQL.
 */
class AlertingApiLayersTest {

    private static List<Path> classes(String suffix) throws IOException, URISyntaxException {
        Path dir = Path.of(AlertRoutes.class.getResource("AlertRoutes.class").toURI()).getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                String outer = name.contains("$") ? name.substring(0, name.indexOf('$')) : name.replace(".class", "");
                return name.endsWith(".class") && outer.endsWith(suffix);
            }).sorted().toList();
        }
    }

    private static List<String> offending(List<Path> files, String... forbidden) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            String pool = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String name : forbidden) {
                if (pool.contains(name)) {
                    found.add(file.getFileName() + " uses " + name);
                }
            }
        }
        return found;
    }

    @Test
    void routesReachServicesNeverARepositoryOrTheDatabase() throws Exception {
        List<Path> routes = classes("Routes");
        assertTrue(routes.size() >= 2, "the routes' classes are found: " + routes);
        assertEquals(List.of(), offending(routes, "Repository", "io/pganalytics/server/alerting/api/Db", "java/sql/", "javax/sql/"));
    }

    @Test
    void servicesHoldNoSql() throws Exception {
        List<Path> services = classes("Service");
        assertTrue(services.size() >= 2, "the services' classes are found: " + services);
        assertEquals(List.of(), offending(services, "SELECT ", "UPDATE ", "INSERT ", "DELETE ", "java/sql/PreparedStatement"));
    }
}

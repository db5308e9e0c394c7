package io.pganalytics.installers.console;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root (set by the pom for surefire), so that tests read the committed files themselves. */
final class RepositoryFiles {
    private RepositoryFiles() {
    }

    static Path root() {
        String root = System.getProperty("pga.repository.root");
        Path path = root == null ? Path.of("../..") : Path.of(root);
        if (!Files.isRegularFile(path.resolve("installers/console/pom.xml"))) {
            throw new IllegalStateException("not the repository root: " + path.toAbsolutePath());
        }
        return path.toAbsolutePath().normalize();
    }

    static Path module() {
        return root().resolve("installers/console");
    }
}

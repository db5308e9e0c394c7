package io.pganalytics.server.backup.pgbackrest;

import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.SealedStreams;
import io.pganalytics.server.files.OwnerOnly;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * What pgBackRest needs before it runs: the configuration file the server writes (owner-only) and the repository's
 * encryption passphrase: read from {@code cipher-pass-file}, or generated once and kept in
 * {@code <data-dir>/pgbackrest/cipher-pass.pgab} sealed under the key-encryption key alone (a restore may need it after
 * the database, and every data key in it, is lost). The passphrase is never written in the clear by the server.
 */
final class PgBackRestSetup {
    static final String SEALED_NAME = "pgbackrest/cipher-pass";

    private PgBackRestSetup() {
    }

    /** The directory the server keeps pgBackRest's files in: {@code <data-dir>/pgbackrest}. */
    static Path home(Path dataDir) {
        return dataDir.resolve("pgbackrest");
    }

    static Path configFile(BackupConfig.PgBackRest config, Path dataDir) {
        return config.configFile().orElse(home(dataDir).resolve("pgbackrest.conf"));
    }

    static Path repo1(BackupConfig.PgBackRest config, Path dataDir) {
        return config.repoPath().orElse(home(dataDir).resolve("repo"));
    }

    /** The configuration file's content: repository 1 (and 2 for the second region), then the stanza's database. */
    static String configText(BackupConfig backup, Path dataDir) {
        BackupConfig.PgBackRest config = backup.pgbackrest();
        Path lock = configFile(config, dataDir).toAbsolutePath().getParent().resolve("lock");
        StringBuilder text = new StringBuilder();
        text.append("# Written by pgAnalytics from backup.pgbackrest.* (docs/backup/pgbackrest.md): edits here are replaced at start.\n");
        text.append("# The repository passphrase is not here: the server hands it to pgBackRest in the environment.\n");
        text.append("[global]\n");
        text.append("repo1-path=").append(repo1(config, dataDir).toAbsolutePath()).append('\n');
        text.append("repo1-cipher-type=aes-256-cbc\n");
        secondRegion(backup).ifPresent(path -> text.append("repo2-path=").append(path.toAbsolutePath()).append('\n')
                .append("repo2-cipher-type=aes-256-cbc\n"));
        text.append("process-max=").append(config.processMax()).append('\n');
        text.append("start-fast=y\n");
        text.append("log-level-console=warn\n");
        text.append("log-level-stderr=off\n");
        text.append("log-level-file=off\n");
        text.append("lock-path=").append(lock).append('\n');
        text.append('\n');
        text.append('[').append(config.stanza()).append("]\n");
        config.pgPath().ifPresent(path -> text.append("pg1-path=").append(path).append('\n'));
        config.pgHost().ifPresent(host -> text.append("pg1-host=").append(host).append('\n'));
        text.append("pg1-port=").append(config.pgPort()).append('\n');
        config.pgSocket().ifPresent(socket -> text.append("pg1-socket-path=").append(socket).append('\n'));
        text.append("pg1-user=").append(config.pgUser()).append('\n');
        return text.toString();
    }

    /** The second region as pgBackRest's repository 2: only a directory (an S3 second region is H4's copier's). */
    static Optional<Path> secondRegion(BackupConfig backup) {
        return backup.secondRegion().flatMap(BackupConfig.SecondRegion::path);
    }

    /**
     * Writes the configuration when its content changed. An existing file is rewritten in place, so that it keeps the
     * owner an administrator gave it (the account pgBackRest runs as), and loses any group or other permission; a new
     * one is created owner-only.
     */
    static void writeConfig(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.exists(parent)) {
            OwnerOnly.directory(parent);
        }
        if (Files.exists(file)) {
            if (Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                OwnerOnly.restrict(file);
                return;
            }
            OwnerOnly.restrict(file);
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } else {
            OwnerOnly.writeString(file, text);
        }
    }

    /**
     * The repository passphrase: the first line of {@code cipher-pass-file}, or the sealed one in
     * {@code <data-dir>/pgbackrest/cipher-pass.pgab}, generated (256 random bits) when there is none.
     */
    static String passphrase(BackupConfig.PgBackRest config, Path dataDir, SealedStreams sealing, SecureRandom random) throws IOException {
        if (config.cipherPassFile().isPresent()) {
            Path file = config.cipherPassFile().get();
            if (!Files.isReadable(file)) {
                throw new BackupException("backup.pgbackrest.cipher-pass-file " + file + " does not exist or cannot be read");
            }
            String pass = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (pass.length() < 20) {
                throw new BackupException("backup.pgbackrest.cipher-pass-file " + file + " holds a passphrase shorter than 20 characters");
            }
            return pass;
        }
        Path sealed = home(dataDir).resolve("cipher-pass.pgab");
        if (Files.exists(sealed)) {
            try (InputStream in = sealing.open(Files.newInputStream(sealed), SEALED_NAME)) {
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String pass = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        if (!Files.exists(sealed.getParent())) {
            OwnerOnly.directory(sealed.getParent());
        }
        Path temp = sealed.resolveSibling("cipher-pass.pgab.tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(OwnerOnly.FILE));
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE);
                 SealedStreams.Sealing sealing1 = sealing.seal(out, SEALED_NAME)) {
                sealing1.write(pass.getBytes(StandardCharsets.US_ASCII));
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);  // losing this file loses every backup: on disk before it is used
            }
            Files.move(temp, sealed, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return pass;
    }
}

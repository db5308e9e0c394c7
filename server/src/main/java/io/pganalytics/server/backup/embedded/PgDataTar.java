package io.pganalytics.server.backup.embedded;

import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.Progress;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * A tar of a PostgreSQL data directory as {@code pg_basebackup} makes one: the same files and directories left out (or
 * left empty), files read while the server writes them (a file that grows is cut at its size when listed, one that
 * shrinks is padded with zeros: WAL replay from the backup's start rewrites every such page), files that vanish
 * meanwhile skipped.
 */
final class PgDataTar {
    /** Directories whose contents are not copied (the directory itself is, empty), as {@code basebackup.c}. */
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_dynshmem", "pg_notify", "pg_replslot", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans", "log");
    /** Files never copied, anywhere. */
    private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts", "pg_internal.init", "backup_label",
            "tablespace_map", "current_logfiles", "postgresql.auto.conf.tmp", "backup_manifest");
    private static final int BUFFER = 256 * 1024;

    private final Path pgData;

    PgDataTar(Path pgData) {
        this.pgData = pgData;
    }

    /** Bytes the files to copy hold now: the progress's total. */
    long size() throws IOException {
        long[] total = {0};
        walk(new Visitor() {
            @Override
            public void file(Path file, String name, long size) {
                total[0] += size;
            }
        });
        return total[0];
    }

    /**
     * Writes the tar of the data directory to {@code out}, then {@code backup_label} (and {@code tablespace_map} when
     * not empty) as {@code labels} gives them once the files are copied, and returns the data bytes copied.
     */
    long write(OutputStream out, Progress progress, long total, LabelSource labels) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, BUFFER);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        long[] done = {0};
        byte[] buffer = new byte[BUFFER];
        walk(new Visitor() {
            @Override
            public void directory(Path dir, String name) throws IOException {
                TarArchiveEntry entry = new TarArchiveEntry(name + "/");
                entry.setMode(0700);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }

            @Override
            public void file(Path file, String name, long size) throws IOException {
                InputStream in;
                try {
                    in = Files.newInputStream(file);
                } catch (NoSuchFileException vanished) {
                    return; // dropped meanwhile (a temporary relation, a removed segment): replay does not need it
                }
                try (in) {
                    TarArchiveEntry entry = new TarArchiveEntry(name);
                    entry.setMode(0600);
                    entry.setSize(size);
                    tar.putArchiveEntry(entry);
                    long left = size;
                    while (left > 0) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            java.util.Arrays.fill(buffer, (byte) 0);
                            while (left > 0) {
                                int zeros = (int) Math.min(buffer.length, left);
                                tar.write(buffer, 0, zeros);
                                left -= zeros;
                            }
                            break;
                        }
                        tar.write(buffer, 0, n);
                        left -= n;
                        done[0] += n;
                        progress.bytes(done[0], Math.max(total, done[0]));
                    }
                    tar.closeArchiveEntry();
                }
            }
        });
        Labels label = labels.stop();
        entry(tar, "backup_label", label.backupLabel());
        if (label.tablespaceMap() != null && !label.tablespaceMap().isEmpty()) {
            entry(tar, "tablespace_map", label.tablespaceMap());
        }
        tar.finish();
        tar.flush();
        return done[0];
    }

    /** What {@code pg_backup_stop} returned. */
    record Labels(String backupLabel, String tablespaceMap) {
    }

    /** Ends the backup once every file is copied (called inside the tar's writing). */
    @FunctionalInterface
    interface LabelSource {
        Labels stop() throws IOException;
    }

    private static void entry(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(0600);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private interface Visitor {
        default void directory(Path dir, String name) throws IOException {
        }

        void file(Path file, String name, long size) throws IOException;
    }

    private void walk(Visitor visitor) throws IOException {
        Files.walkFileTree(pgData, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (dir.equals(pgData)) {
                    return FileVisitResult.CONTINUE;
                }
                String name = name(dir);
                if (dir.getFileName().toString().startsWith("pgsql_tmp")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                visitor.directory(dir, name);
                if (EMPTIED.contains(name)) {
                    // pg_wal keeps archive_status/ (and summaries/ from PostgreSQL 17 on), as pg_basebackup leaves it
                    if (name.equals("pg_wal")) {
                        visitor.directory(dir.resolve("archive_status"), name + "/archive_status");
                        if (Files.isDirectory(dir.resolve("summaries"))) {
                            visitor.directory(dir.resolve("summaries"), name + "/summaries");
                        }
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (name.equals("pg_tblspc")) {
                    try (var links = Files.list(dir)) {
                        if (links.findAny().isPresent()) {
                            throw new BackupException("the embedded database has a tablespace (" + dir + " is not empty):"
                                    + " the embedded engine backs up the data directory alone");
                        }
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                String fileName = file.getFileName().toString();
                if (attributes.isRegularFile() && !SKIPPED.contains(fileName) && !fileName.startsWith("pgsql_tmp")) {
                    visitor.file(file, name(file), attributes.size());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private String name(Path path) {
        return pgData.relativize(path).toString().replace(java.io.File.separatorChar, '/');
    }
}

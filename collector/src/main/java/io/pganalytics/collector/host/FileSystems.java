package io.pganalytics.collector.host;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** host_filesystem: usage of the file system holding a path, read through java.nio's FileStore. */
final class FileSystems {
    private FileSystems() {
    }

    /** One row for the path; when it cannot be reached, for its nearest reachable parent (named as such). */
    static List<List<Object>> usage(Path path) throws IOException {
        Path probe = path.toAbsolutePath();
        while (probe != null && !Files.exists(probe)) {
            probe = probe.getParent();
        }
        if (probe == null) {
            throw new IOException("no existing parent of " + path);
        }
        FileStore store = Files.getFileStore(probe);
        long total = store.getTotalSpace();
        long free = store.getUnallocatedSpace();
        long available = store.getUsableSpace();
        List<Object> row = new ArrayList<>();
        row.add(path.toString());
        row.add(store.name());
        row.add(store.type());
        row.add(total);
        row.add(total - free);
        row.add(available);
        return List.of(row);
    }
}

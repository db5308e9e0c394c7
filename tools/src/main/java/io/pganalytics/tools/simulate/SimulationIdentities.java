package io.pganalytics.tools.simulate;

import io.pganalytics.collector.register.IdentityFile;
import io.pganalytics.collector.register.RegistrationClient;
import io.pganalytics.collector.register.RegistrationException;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the simulated collectors' identities come from: identity files already in {@code --identities-dir}
 * (reused run after run), then registrations with the given tokens for the rest (written into the directory
 * when there is one, so the next run needs no token).
 */
public final class SimulationIdentities {
    private SimulationIdentities() {
    }

    public static List<CollectorIdentity> obtain(int count, Path identitiesDir, Iterator<String> tokens, URI server,
                                          RegistrationClient client, String version, PrintStream out)
            throws IOException, RegistrationException, InterruptedException {
        List<CollectorIdentity> identities = new ArrayList<>();
        if (identitiesDir != null && Files.isDirectory(identitiesDir)) {
            List<Path> files;
            try (Stream<Path> listing = Files.list(identitiesDir)) {
                files = listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
            }
            for (Path file : files) {
                if (identities.size() == count) {
                    break;
                }
                identities.add(IdentityFile.read(file));
            }
            if (!identities.isEmpty()) {
                out.println("simulate: reusing " + identities.size() + " identities from " + identitiesDir);
            }
        }
        int registered = 0;
        while (identities.size() < count) {
            if (!tokens.hasNext()) {
                throw new RegistrationException("need " + count + " identities, have " + identities.size()
                        + " and no registration token left: pass --token-file with one token per line, or more identity files");
            }
            String name = String.format("sim-%04d", identities.size() + 1);
            CollectorIdentity identity = client.register(server,
                    new RegistrationRequest(tokens.next(), name, "simulated-" + name, version));
            if (identitiesDir != null) {
                IdentityFile.write(identitiesDir.resolve(name + ".json"), identity);
            }
            identities.add(identity);
            registered++;
        }
        if (registered > 0) {
            out.println("simulate: registered " + registered + " collectors"
                    + (identitiesDir == null ? "" : " (identities saved in " + identitiesDir + ")"));
        }
        return identities;
    }
}

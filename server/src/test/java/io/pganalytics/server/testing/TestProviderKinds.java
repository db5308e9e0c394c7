package io.pganalytics.server.testing;

import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.BrowserProvider;
import io.pganalytics.server.auth.provider.IdentityProvider;
import io.pganalytics.server.auth.provider.PasswordProvider;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.ProviderKind;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.http.ApiException;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identity provider kinds of the tests' own, to test the registry, the admin API and sign-ins without a directory
 * server: a password provider whose "directory" is a map held here ({@value #DIRECTORY}), and a browser provider that
 * never finishes a flow ({@value #BROWSER}). Real {@link ProviderKind}s, registered like the server's own; not mocks.
 */
public final class TestProviderKinds {
    public static final String DIRECTORY = "test-directory";
    public static final String BROWSER = "test-browser";
    /** The bind password the directory kind's test() wants in {@code secrets.bindPassword}. */
    public static final String BIND_PASSWORD = "bind-secret-Quokka-77";
    private static final Map<String, Map<String, Person>> DIRECTORIES = new ConcurrentHashMap<>();

    private TestProviderKinds() {
    }

    /** A person of an in-test directory. */
    public record Person(String subject, String password, String displayName, String email, Set<String> groups) {
    }

    public static List<ProviderKind> all() {
        return List.of(new DirectoryKind(), new BrowserKind());
    }

    /** Adds or replaces a person in the directory named {@code directory} (a provider's {@code settings.directory}). */
    public static void put(String directory, String username, Person person) {
        DIRECTORIES.computeIfAbsent(directory, d -> new ConcurrentHashMap<>()).put(username, person);
    }

    public static void remove(String directory, String username) {
        DIRECTORIES.getOrDefault(directory, Map.of()).remove(username);
    }

    private static final class DirectoryKind implements ProviderKind {
        @Override
        public String kind() {
            return DIRECTORY;
        }

        @Override
        public IdentityProvider create(ProviderDefinition definition, ProviderContext context) {
            for (String key : definition.settings().keySet()) {
                if (!key.equals("directory") && !key.equals("hangOnTest")) {
                    throw ApiException.invalid("settings." + key, "is not a setting of a test directory");
                }
            }
            if (!(definition.settings().get("directory") instanceof String directory) || directory.isBlank()) {
                throw ApiException.invalid("settings.directory", "is required");
            }
            return new Directory(definition, directory);
        }
    }

    private record Directory(ProviderDefinition definition, String directory) implements PasswordProvider {
        @Override
        public ExternalIdentity authenticate(String username, String password) {
            Person person = DIRECTORIES.getOrDefault(directory, Map.of()).get(username);
            if (person == null || !person.password().equals(password)) {
                throw ApiException.unauthenticated("the user name or password is wrong");
            }
            Optional<Set<Role>> roles = definition.roleMapping().rolesFor(Map.of(RoleMapping.GROUPS, person.groups()));
            if (roles.isEmpty()) {
                throw ApiException.unauthenticated("the user name or password is wrong");
            }
            return new ExternalIdentity(definition.name(), person.subject(), username, person.displayName(), person.email(),
                    person.groups(), roles.get(), Set.of());
        }

        @Override
        public String test() {
            if ("true".equals(definition.settings().get("hangOnTest"))) {
                // A directory that never answers, until the caller gives up and interrupts (at most a minute).
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ApiException.unavailable("interrupted", null);
                }
            }
            String bind = definition.secrets().get("bindPassword");
            if (bind == null) {
                throw ApiException.unavailable("no bind password is set", null);
            }
            if (!bind.equals(BIND_PASSWORD)) {
                throw ApiException.unavailable("the service bind was refused", null);
            }
            return "directory " + directory + ": " + DIRECTORIES.getOrDefault(directory, Map.of()).size() + " people";
        }
    }

    private static final class BrowserKind implements ProviderKind {
        @Override
        public String kind() {
            return BROWSER;
        }

        @Override
        public IdentityProvider create(ProviderDefinition definition, ProviderContext context) {
            return new Browser(definition);
        }
    }

    private record Browser(ProviderDefinition definition) implements BrowserProvider {
        @Override
        public BrowserStart start(String flowId, URI callback) {
            return new BrowserStart(URI.create("https://idp.invalid/authorize?state=" + flowId), Map.of());
        }

        @Override
        public ExternalIdentity finish(Map<String, String> parameters, Map<String, String> kept, URI callback) {
            throw ApiException.unauthenticated("the test browser provider finishes no flow");
        }

        @Override
        public String test() {
            return "nothing to reach";
        }
    }
}

package io.pganalytics.server.auth.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.topic.ITopic;
import io.ebean.Database;
import io.ebean.Transaction;
import io.pganalytics.common.auth.IdentityProviderView;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.crypto.ClearValues;
import io.pganalytics.server.crypto.SealedColumn;
import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The live identity providers of this node, made by their {@link ProviderKind}s from the definitions in the database.
 * The configuration file's providers are written there at start (origin {@code configuration}); the admin API writes
 * the others. A change made on one node is published on the Hazelcast topic {@value #TOPIC}, and every node reloads
 * the definitions when it hears it; the auth housekeeping reloads them each round as well, in case a message was
 * missed. A reload remakes only the providers whose stored version changed, and closes those it replaces.
 * <p>
 * A definition that its kind refuses (or whose kind this node does not know) has no live provider: it is not offered
 * for sign-in, and its problem is what "test" answers.
 */
public final class IdentityProviders implements AutoCloseable {
    public static final String TOPIC = "pga.identity-providers";
    private static final Logger LOG = LoggerFactory.getLogger(IdentityProviders.class);

    private final Database database;
    private final IdentityProviderRepository repository;
    private final Definitions definitions;
    private final Map<String, ProviderKind> kinds;
    private final ProviderContext context;
    private final ITopic<String> topic;
    private final ExecutorService reloader;
    private volatile Map<String, Live> live = Map.of();
    private UUID listener;

    /** A provider as this node holds it: the stored version it was made from, and the provider or why there is none. */
    private record Live(long version, boolean enabled, IdentityProvider provider, String problem) {
    }

    /**
     * @param kinds every provider kind this server knows, by {@link ProviderKind#kind()}
     */
    public IdentityProviders(Database database, ObjectMapper mapper, Sealer sealer, Map<String, ProviderKind> kinds, ProviderContext context) {
        this.database = Objects.requireNonNull(database);
        this.repository = new IdentityProviderRepository(database);
        this.definitions = new Definitions(mapper, Objects.requireNonNull(sealer));
        this.kinds = Map.copyOf(kinds);
        this.context = Objects.requireNonNull(context);
        this.topic = context.hazelcast().getTopic(TOPIC);
        // One reload at a time, at most one waiting: a burst of messages needs one reload after the last of them.
        this.reloader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(1), runnable -> {
            Thread thread = new Thread(runnable, "pga-identity-providers");
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /**
     * Writes the configuration file's providers (replacing what the database held under their names, and removing
     * the configuration's providers no longer in the file), makes the live providers and listens for changes.
     *
     * @throws ConfigException naming the provider's key when its kind is unknown or refuses its settings
     */
    public void start(ProvidersConfig configured) {
        sealClearSecrets();
        for (ProvidersConfig.Configured entry : configured.providers()) {
            ProviderDefinition definition = entry.definition();
            if (!kinds.containsKey(definition.kind())) {
                throw new ConfigException(entry.key() + ".kind", "unknown identity provider kind '" + definition.kind()
                        + "': this server knows " + new java.util.TreeSet<>(kinds.keySet()));
            }
            try {
                kinds.get(definition.kind()).create(definition, context).close();
            } catch (ApiException e) {
                throw new ConfigException(entry.key() + "." + configKey(e), e.getMessage());
            }
        }
        upsertConfigured(configured);
        reload();
        listener = topic.addMessageListener(message -> reloader.execute(this::reloadQuietly));
    }

    /** The live provider named {@code name} when it is enabled. */
    public Optional<IdentityProvider> enabled(String name) {
        Live found = name == null ? null : live.get(name);
        return found != null && found.enabled() && found.provider() != null ? Optional.of(found.provider()) : Optional.empty();
    }

    /** The enabled provider named {@code name} when it checks passwords itself (LDAP). */
    public Optional<PasswordProvider> passwordProvider(String name) {
        return enabled(name).filter(PasswordProvider.class::isInstance).map(PasswordProvider.class::cast);
    }

    /** The enabled provider named {@code name} when its sign-in runs in a browser (OIDC, SAML). */
    public Optional<BrowserProvider> browserProvider(String name) {
        return enabled(name).filter(BrowserProvider.class::isInstance).map(BrowserProvider.class::cast);
    }

    /** The ways to sign in, for the console's sign-in screen: local first, then the enabled providers by name. */
    public List<ProviderSummary> summaries() {
        List<ProviderSummary> summaries = new ArrayList<>();
        summaries.add(ProviderSummary.local());
        new TreeMap<>(live).forEach((name, entry) -> {
            if (entry.enabled() && entry.provider() != null) {
                ProviderDefinition definition = entry.provider().definition();
                String signIn = entry.provider() instanceof BrowserProvider ? ProviderSummary.BROWSER : ProviderSummary.PASSWORD;
                summaries.add(new ProviderSummary(name, definition.kind(), definition.displayName(), signIn));
            }
        });
        return List.copyOf(summaries);
    }

    /** Reloads the definitions from the database; a provider whose stored version is unchanged is kept as it is. */
    public synchronized void reload() {
        Map<String, Live> before = live;
        Map<String, Live> after = new HashMap<>();
        List<IdentityProvider> retired = new ArrayList<>();
        for (DIdentityProvider row : repository.all()) {
            Live current = before.get(row.getName());
            if (current != null && current.version() == row.getVersion()) {
                after.put(row.getName(), current);
                continue;
            }
            after.put(row.getName(), make(row));
            if (current != null && current.provider() != null) {
                retired.add(current.provider());
            }
        }
        before.forEach((name, entry) -> {
            if (!after.containsKey(name) && entry.provider() != null) {
                retired.add(entry.provider());
            }
        });
        live = Map.copyOf(after);
        retired.forEach(IdentityProviders::closeQuietly);
    }

    /** After a change on this node: reload here at once, and tell the other nodes. */
    void changed(String name) {
        reload();
        topic.publish(name);
    }

    Set<String> kindNames() {
        return kinds.keySet();
    }

    Optional<ProviderKind> kind(String kind) {
        return Optional.ofNullable(kind == null ? null : kinds.get(kind));
    }

    ProviderContext context() {
        return context;
    }

    /** The column holding every provider's sealed secrets, for {@code CryptoFeature.register}. */
    public static SealedColumn sealedColumn() {
        return Definitions.SECRETS;
    }

    /** Upgrading: seals the secrets an earlier version stored in the clear, and erases the clear copies. */
    private void sealClearSecrets() {
        int sealed = 0;
        for (io.ebean.SqlRow row : repository.clearSecrets()) {
            String name = row.getString("name");
            if (repository.sealSecrets(name, definitions.seal(name, row.getString("secrets")))) {
                sealed++;
            }
        }
        if (sealed > 0) {
            ClearValues.eraseDeadCopies(database.dataSource(), "auth_identity_provider");
            LOG.info("identity providers: sealed the secrets of {} provider(s) that an earlier version stored in the clear", sealed);
        }
    }

    Definitions definitions() {
        return definitions;
    }

    /** The live provider (enabled or not), or the reason this node has none. */
    Optional<IdentityProvider> live(String name) {
        Live found = live.get(name);
        return found == null ? Optional.empty() : Optional.ofNullable(found.provider());
    }

    Optional<String> problem(String name) {
        Live found = live.get(name);
        return found == null ? Optional.empty() : Optional.ofNullable(found.problem());
    }

    private Live make(DIdentityProvider row) {
        ProviderKind kind = kinds.get(row.getKind());
        if (kind == null) {
            LOG.warn("identity provider {}: kind '{}' is not known to this node; it is not offered for sign-in", row.getName(), row.getKind());
            return new Live(row.getVersion(), row.isEnabled(), null, "the kind '" + row.getKind() + "' is not known to this server");
        }
        try {
            IdentityProvider provider = kind.create(definitions.definition(row), context);
            LOG.info("identity provider {} ({}) loaded, version {}, {}", row.getName(), row.getKind(), row.getVersion(),
                    row.isEnabled() ? "enabled" : "disabled");
            return new Live(row.getVersion(), row.isEnabled(), provider, null);
        } catch (ApiException e) {
            LOG.warn("identity provider {}: its definition is refused by its kind: {}", row.getName(), e.getMessage());
            return new Live(row.getVersion(), row.isEnabled(), null, e.getMessage());
        } catch (RuntimeException e) {
            // One provider that cannot be made must not keep every other one from loading.
            LOG.warn("identity provider {}: making it failed: {}", row.getName(), e.getClass().getName());
            return new Live(row.getVersion(), row.isEnabled(), null, "the provider could not be loaded ("
                    + e.getClass().getSimpleName() + "); see the server log");
        }
    }

    private void upsertConfigured(ProvidersConfig configured) {
        Instant now = context.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Set<String> names = new HashSet<>();
        try (Transaction tx = database.beginTransaction()) {
            repository.lockConfiguration();
            for (ProvidersConfig.Configured entry : configured.providers()) {
                ProviderDefinition definition = entry.definition();
                names.add(definition.name());
                DIdentityProvider row = repository.find(definition.name()).orElse(null);
                boolean insert = row == null;
                if (insert) {
                    row = new DIdentityProvider();
                    row.setName(definition.name());
                    row.setCreatedAt(now);
                } else if (IdentityProviderView.API.equals(row.getOrigin())) {
                    LOG.warn("identity provider {}: the configuration file now defines it; it replaces the one made through the API",
                            definition.name());
                }
                String settings = definitions.json(definition.settings());
                String mapping = definitions.json(Definitions.view(definition.roleMapping()));
                boolean same = !insert && IdentityProviderView.CONFIGURATION.equals(row.getOrigin())
                        && row.getKind().equals(definition.kind()) && row.getDisplayName().equals(definition.displayName())
                        && row.isEnabled() == definition.enabled()
                        && definitions.settings(row).equals(definition.settings())
                        && definitions.secrets(row).equals(definition.secrets())
                        && definitions.view(row).roleMapping().equals(Definitions.view(definition.roleMapping()));
                if (same) {
                    continue;
                }
                row.setKind(definition.kind());
                row.setDisplayName(definition.displayName());
                row.setEnabled(definition.enabled());
                row.setOrigin(IdentityProviderView.CONFIGURATION);
                row.setSettings(settings);
                definitions.putSecrets(row, definition.secrets());
                row.setRoleMapping(mapping);
                row.setUpdatedAt(now);
                if (insert) {
                    repository.insert(row);
                } else {
                    repository.update(row);
                }
            }
            for (DIdentityProvider row : repository.all()) {
                if (IdentityProviderView.CONFIGURATION.equals(row.getOrigin()) && !names.contains(row.getName())) {
                    LOG.info("identity provider {}: no longer in the configuration file; removed", row.getName());
                    repository.delete(row);
                }
            }
            tx.commit();
        }
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            // The root of a reload task: the next message or housekeeping round tries again.
            LOG.warn("identity providers: reload failed, retried at the next change or housekeeping round: {}", e.toString());
        }
    }

    /** The setting an {@link ApiException} names ({@code settings.url}), as a configuration key. */
    private static String configKey(ApiException e) {
        return e.details().isEmpty() ? "settings" : e.details().getFirst().field();
    }

    private static void closeQuietly(IdentityProvider provider) {
        try {
            provider.close();
        } catch (RuntimeException e) {
            LOG.warn("identity provider {}: closing the replaced instance failed: {}", provider.definition().name(), e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (listener != null) {
            try {
                topic.removeMessageListener(listener);
            } catch (RuntimeException e) {
                LOG.debug("identity providers: the topic listener could not be removed (the cluster is stopping): {}", e.toString());
            }
        }
        reloader.shutdownNow();
        live.values().forEach(entry -> {
            if (entry.provider() != null) {
                closeQuietly(entry.provider());
            }
        });
        live = Map.of();
    }
}

package io.pganalytics.server.auth.provider;

import io.ebean.Database;
import io.ebean.DuplicateKeyException;
import io.ebean.Transaction;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.auth.IdentityProviderRequest;
import io.pganalytics.common.auth.IdentityProviderView;
import io.pganalytics.common.auth.ProviderTestResult;
import io.pganalytics.common.auth.RoleMappingView;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditEvent.Actor;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * What admins do with identity providers. Every change is checked whole before anything is written (the kind makes a
 * provider of the new definition and refuses bad settings), so bad input changes nothing. Providers from the
 * configuration file are read-only here. Secrets are write-only: on a replace, a secret left out keeps its value and
 * one given as {@code ""} is removed. Disabling or deleting a provider ends its users' sessions. Every change is recorded
 * in the audit trail in its own transaction, with the provider before and after: secrets as {@link AuditEvent#MASKED},
 * and which of them changed.
 */
final class IdentityProviderService {
    static final Duration TEST_TIME = Duration.ofSeconds(20);
    static final int TESTS_AT_ONCE = 4;
    private static final Logger LOG = LoggerFactory.getLogger(IdentityProviderService.class);

    private final Database database;
    private final IdentityProviderRepository repository;
    private final IdentityProviders providers;
    private final Definitions definitions;
    private final Consumer<String> withdrawn;
    private final AuditLog audit;
    private final ExecutorService tests = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon().name("pga-provider-test-", 0).factory());
    private final Semaphore testTurns = new Semaphore(TESTS_AT_ONCE);

    /**
     * @param withdrawn told the name of a provider that was disabled or deleted (ends its users' sessions)
     */
    IdentityProviderService(Database database, IdentityProviders providers, Consumer<String> withdrawn, AuditLog audit) {
        this.database = database;
        this.repository = new IdentityProviderRepository(database);
        this.providers = providers;
        this.definitions = providers.definitions();
        this.withdrawn = withdrawn;
        this.audit = audit;
    }

    List<IdentityProviderView> list() {
        return repository.all().stream().map(definitions::view).toList();
    }

    IdentityProviderView get(String name) {
        return definitions.view(find(name));
    }

    /** Refuses a creation that would fail, before it is confirmed. */
    void checkCreate(IdentityProviderRequest request) {
        createDefinition(request);
        if (repository.find(request.name()).isPresent()) {
            throw duplicate(request.name());
        }
    }

    private ProviderDefinition createDefinition(IdentityProviderRequest request) {
        List<ErrorDetail> problems = new ArrayList<>();
        Definitions.checkName(request.name()).ifPresent(problem -> problems.add(new ErrorDetail("name", problem)));
        checkKind(request.kind()).ifPresent(problems::add);
        checkCommon(request, problems);
        Map<String, String> secrets = new HashMap<>(request.secrets() == null ? Map.of() : request.secrets());
        secrets.values().removeIf(String::isEmpty);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        ProviderDefinition definition = definition(request, request.name(), request.kind(), secrets);
        checkWithKind(definition);
        return definition;
    }

    IdentityProviderView create(IdentityProviderRequest request, Actor caller) {
        ProviderDefinition definition = createDefinition(request);
        Map<String, String> secrets = definition.secrets();
        Instant now = now();
        DIdentityProvider row = new DIdentityProvider();
        row.setName(request.name());
        row.setOrigin(IdentityProviderView.API);
        row.setCreatedAt(now);
        fill(row, definition, now);
        try (Transaction tx = database.beginTransaction()) {
            if (repository.find(request.name()).isPresent()) {
                throw duplicate(request.name());
            }
            repository.insert(row);
            audit.append(tx, AuditEvent.change("identity-provider.create", "identity-provider", row.getName()).actor(caller)
                    .change(null, state(row)).detail("secretsChanged", new TreeSet<>(secrets.keySet())));
            tx.commit();
        } catch (DuplicateKeyException e) {
            throw duplicate(request.name());
        }
        LOG.info("identity providers: {} ({}) created {} ({}), {}, secrets {}", caller.id(), caller.name(), row.getName(),
                row.getKind(), row.isEnabled() ? "enabled" : "disabled", new TreeSet<>(secrets.keySet()));
        providers.changed(row.getName());
        return definitions.view(row);
    }

    /** Refuses a replacement that would fail, before it is confirmed. */
    void checkUpdate(String name, IdentityProviderRequest request) {
        DIdentityProvider row = find(name);
        refuseConfigured(row, "changed");
        updateDefinition(row, name, request);
    }

    private ProviderDefinition updateDefinition(DIdentityProvider row, String name, IdentityProviderRequest request) {
        List<ErrorDetail> problems = new ArrayList<>();
        if (request.name() != null && !request.name().equals(name)) {
            problems.add(new ErrorDetail("name", "cannot change (it is the provider's id on its users): it must be '" + name
                    + "' or be left out"));
        }
        if (request.kind() != null && !request.kind().equals(row.getKind())) {
            problems.add(new ErrorDetail("kind", "cannot change from '" + row.getKind() + "': delete the provider and create a new one"));
        }
        checkCommon(request, problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        Map<String, String> secrets = new HashMap<>(definitions.secrets(row));
        if (request.secrets() != null) {
            request.secrets().forEach((key, value) -> {
                if (value.isEmpty()) {
                    secrets.remove(key);
                } else {
                    secrets.put(key, value);
                }
            });
        }
        ProviderDefinition definition = definition(request, name, row.getKind(), secrets);
        checkWithKind(definition);
        return definition;
    }

    IdentityProviderView update(String name, IdentityProviderRequest request, Actor caller) {
        DIdentityProvider row = find(name);
        refuseConfigured(row, "changed");
        ProviderDefinition definition = updateDefinition(row, name, request);
        Map<String, String> secrets = definition.secrets();
        Map<String, Object> before = state(row);
        Map<String, String> secretsBefore = definitions.secrets(row);
        boolean wasEnabled = row.isEnabled();
        fill(row, definition, now());
        try (Transaction tx = database.beginTransaction()) {
            repository.update(row);
            audit.append(tx, AuditEvent.change("identity-provider.update", "identity-provider", name).actor(caller)
                    .change(before, state(row)).detail("secretsChanged", changedKeys(secretsBefore, secrets)));
            tx.commit();
        }
        LOG.info("identity providers: {} ({}) updated {} ({}), {}, secrets {}, version {}", caller.id(), caller.name(), name,
                row.getKind(), row.isEnabled() ? "enabled" : "disabled", new TreeSet<>(secrets.keySet()), row.getVersion());
        providers.changed(name);
        if (wasEnabled && !row.isEnabled()) {
            withdrawn.accept(name);
        }
        return definitions.view(row);
    }

    /** Refuses a deletion that would fail, before it is confirmed. */
    void checkDelete(String name) {
        refuseConfigured(find(name), "deleted");
    }

    void delete(String name, Actor caller) {
        DIdentityProvider row = find(name);
        refuseConfigured(row, "deleted");
        Map<String, Object> before = state(row);
        try (Transaction tx = database.beginTransaction()) {
            repository.delete(row);
            audit.append(tx, AuditEvent.change("identity-provider.delete", "identity-provider", name).actor(caller)
                    .change(before, null));
            tx.commit();
        }
        LOG.info("identity providers: {} ({}) deleted {} ({})", caller.id(), caller.name(), name, row.getKind());
        providers.changed(name);
        withdrawn.accept(name);
    }

    /** A provider as an audit record holds it: every secret's value {@link AuditEvent#MASKED}. */
    private Map<String, Object> state(DIdentityProvider row) {
        IdentityProviderView view = definitions.view(row);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("kind", view.kind());
        state.put("displayName", view.displayName());
        state.put("enabled", view.enabled());
        state.put("origin", view.origin());
        state.put("settings", view.settings());
        Map<String, String> secrets = new TreeMap<>();
        view.secretsSet().forEach(key -> secrets.put(key, AuditEvent.MASKED));
        state.put("secrets", secrets);
        state.put("roleMapping", view.roleMapping());
        return state;
    }

    /** The names of the secrets added, replaced or removed (compared here; never written). */
    private static TreeSet<String> changedKeys(Map<String, String> before, Map<String, String> after) {
        TreeSet<String> changed = new TreeSet<>();
        before.forEach((key, value) -> {
            if (!Objects.equals(value, after.get(key))) {
                changed.add(key);
            }
        });
        after.keySet().stream().filter(key -> !before.containsKey(key)).forEach(changed::add);
        return changed;
    }

    /** "Test connection": the provider's own test, within {@link #TEST_TIME}; what went wrong is an answer, not an error. */
    ProviderTestResult test(String name, io.pganalytics.server.http.Caller caller) {
        find(name);
        Optional<IdentityProvider> provider = providers.live(name);
        if (provider.isEmpty()) {
            return new ProviderTestResult(false, providers.problem(name).orElse("the provider is not loaded on this server yet"));
        }
        if (!testTurns.tryAcquire()) {
            throw ApiException.unavailable("too many provider tests are running on this server; try again shortly", Duration.ofSeconds(5));
        }
        try {
            Future<String> result = tests.submit(() -> provider.get().test());
            try {
                String message = result.get(TEST_TIME.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("identity providers: {} ({}) tested {}: ok", caller.id(), caller.name(), name);
                return new ProviderTestResult(true, message);
            } catch (TimeoutException e) {
                result.cancel(true);
                return failed(name, caller, "no answer within " + TEST_TIME.toSeconds() + " s");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ApiException api) {
                    return failed(name, caller, api.getMessage());
                }
                // Not the exception's message: an unexpected one may carry what a provider should never show.
                LOG.warn("identity providers: testing {} failed unexpectedly: {}", name, e.getCause().getClass().getName());
                return failed(name, caller, "the test failed unexpectedly (" + e.getCause().getClass().getSimpleName()
                        + "); see the server log");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.cancel(true);
                throw ApiException.unavailable("the server is stopping", Duration.ofSeconds(5));
            }
        } finally {
            testTurns.release();
        }
    }

    /** The time as PostgreSQL keeps it (microseconds), so that an answer shows what a later read shows. */
    private Instant now() {
        return providers.context().clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static ProviderTestResult failed(String name, io.pganalytics.server.http.Caller caller, String message) {
        LOG.info("identity providers: {} ({}) tested {}: {}", caller.id(), caller.name(), name, message);
        return new ProviderTestResult(false, message);
    }

    private Optional<ErrorDetail> checkKind(String kind) {
        if (kind == null || kind.isEmpty()) {
            return Optional.of(new ErrorDetail("kind", "is required: one of " + new TreeSet<>(providers.kindNames())));
        }
        if (providers.kind(kind).isEmpty()) {
            return Optional.of(new ErrorDetail("kind", "'" + abbreviate(kind) + "' is not a provider kind this server knows: one of "
                    + new TreeSet<>(providers.kindNames())));
        }
        return Optional.empty();
    }

    private void checkCommon(IdentityProviderRequest request, List<ErrorDetail> problems) {
        Definitions.checkDisplayName(request.displayName()).ifPresent(problem -> problems.add(new ErrorDetail("displayName", problem)));
        problems.addAll(Definitions.checkSecrets(request.secrets()));
        problems.addAll(Definitions.checkMapping(request.roleMapping(), "roleMapping"));
        if (request.settings() != null) {
            request.settings().forEach((key, value) -> {
                if (value == null) {
                    problems.add(new ErrorDetail("settings." + key, "must not be null: leave the setting out instead"));
                }
            });
        }
        if (request.settings() != null && definitions.json(request.settings()).length() > Definitions.MAX_SETTINGS_JSON) {
            problems.add(new ErrorDetail("settings", "must take at most " + Definitions.MAX_SETTINGS_JSON / 1024 + " KiB as JSON"));
        }
    }

    private static ProviderDefinition definition(IdentityProviderRequest request, String name, String kind, Map<String, String> secrets) {
        RoleMappingView mapping = request.roleMapping();
        return new ProviderDefinition(name, kind, request.displayName(), request.enabled() == null || request.enabled(),
                request.settings(), secrets, Definitions.mapping(mapping));
    }

    /** The kind makes a provider of the definition: its refusal names the setting; nothing is contacted. */
    private void checkWithKind(ProviderDefinition definition) {
        ProviderKind kind = providers.kind(definition.kind()).orElseThrow();
        kind.create(definition, providers.context()).close();
    }

    private void fill(DIdentityProvider row, ProviderDefinition definition, Instant now) {
        row.setKind(definition.kind());
        row.setDisplayName(definition.displayName());
        row.setEnabled(definition.enabled());
        row.setSettings(definitions.json(definition.settings()));
        definitions.putSecrets(row, definition.secrets());
        row.setRoleMapping(definitions.json(Definitions.view(definition.roleMapping())));
        row.setUpdatedAt(now);
    }

    private DIdentityProvider find(String name) {
        if (Definitions.checkName(name).isPresent()) {
            throw ApiException.notFound("no identity provider named '" + abbreviate(name) + "'");
        }
        return repository.find(name).orElseThrow(() -> ApiException.notFound("no identity provider named '" + name + "'"));
    }

    private static void refuseConfigured(DIdentityProvider row, String action) {
        if (IdentityProviderView.CONFIGURATION.equals(row.getOrigin())) {
            throw ApiException.conflict("identity provider '" + row.getName() + "' is defined in the server's configuration file "
                    + "(auth.providers): it cannot be " + action + " through the API; change the file and restart the servers");
        }
    }

    private static ApiException duplicate(String name) {
        return ApiException.conflict("an identity provider named '" + name + "' already exists");
    }

    private static String abbreviate(String text) {
        return io.pganalytics.server.http.RequestParameters.abbreviate(text);
    }

    void close() {
        tests.shutdownNow();
    }
}

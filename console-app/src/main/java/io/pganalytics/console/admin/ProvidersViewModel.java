package io.pganalytics.console.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.common.auth.IdentityProviderRequest;
import io.pganalytics.common.auth.IdentityProviderView;
import io.pganalytics.common.auth.ProviderTestResult;
import io.pganalytics.common.auth.RoleMappingView;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * The identity providers tab: the list, and an editor for one provider whose kind-specific settings, secrets and role
 * mapping are JSON (the server validates them and names the field it refuses). Secrets are write-only: the editor
 * starts them empty; on an update an omitted secret keeps its value and "" removes it.
 */
public final class ProvidersViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(ProvidersViewModel.class);
    public static final List<String> KINDS = List.of("ldap", "oidc", "saml");
    private static final ObjectMapper JSON = JsonMapping.newMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final AdminService service;
    private final ObservableList<IdentityProviderView> providers = FXCollections.observableArrayList();
    private final ObjectProperty<IdentityProviderView> selected = new SimpleObjectProperty<>();
    private final BooleanProperty creating = new SimpleBooleanProperty(true);
    private final BooleanProperty readOnly = new SimpleBooleanProperty(false);
    private final StringProperty name = new SimpleStringProperty("");
    private final StringProperty kind = new SimpleStringProperty("oidc");
    private final StringProperty displayName = new SimpleStringProperty("");
    private final BooleanProperty enabled = new SimpleBooleanProperty(true);
    private final StringProperty settings = new SimpleStringProperty("");
    private final StringProperty secrets = new SimpleStringProperty("");
    private final StringProperty roleMapping = new SimpleStringProperty("");
    private final StringProperty secretsSet = new SimpleStringProperty("");
    private final StringProperty testResult = new SimpleStringProperty("");
    private final BooleanProperty testPassed = new SimpleBooleanProperty(false);
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");

    public ProvidersViewModel(AdminService service) {
        this.service = service;
        selected.addListener((o, was, entry) -> edit(entry));
        kind.addListener((o, was, now) -> {
            if (creating.get() && now != null && (settings.get().isBlank() || settings.get().equals(Templates.settings(was)))) {
                settings.set(Templates.settings(now));
                secrets.set(Templates.secrets(now));
            }
        });
        newProvider();
    }

    public void load() {
        service.identityProviders(list -> {
            String keep = selected.get() == null ? null : selected.get().name();
            providers.setAll(list);
            if (keep != null) {
                providers.stream().filter(p -> p.name().equals(keep)).findFirst().ifPresent(selected::set);
            }
        }, failure -> failed("Listing the identity providers", failure));
    }

    /** Empties the editor for a new provider of the chosen kind. */
    public void newProvider() {
        selected.set(null);
        creating.set(true);
        readOnly.set(false);
        name.set("");
        displayName.set("");
        enabled.set(true);
        settings.set(Templates.settings(kind.get()));
        secrets.set(Templates.secrets(kind.get()));
        roleMapping.set(Templates.ROLE_MAPPING);
        secretsSet.set("");
        testResult.set("");
    }

    private void edit(IdentityProviderView entry) {
        if (entry == null) {
            return;
        }
        creating.set(false);
        readOnly.set(IdentityProviderView.CONFIGURATION.equals(entry.origin()));
        name.set(entry.name());
        kind.set(entry.kind());
        displayName.set(entry.displayName() == null ? "" : entry.displayName());
        enabled.set(entry.enabled());
        settings.set(write(entry.settings()));
        secrets.set("");
        roleMapping.set(write(entry.roleMapping()));
        secretsSet.set(entry.secretsSet() == null || entry.secretsSet().isEmpty() ? "No secrets set." : "Set: " + String.join(", ", entry.secretsSet())
                + ". Leave a secret out to keep it; give \"\" to remove it.");
        testResult.set("");
    }

    public void save() {
        IdentityProviderRequest request;
        try {
            request = request(enabled.get());
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        boolean create = creating.get();
        service.saveIdentityProvider(request, create, saved -> {
            done((create ? "Created " : "Saved ") + saved.name() + ".");
            creating.set(false);
            load();
        }, failure -> failed((create ? "Creating " : "Saving ") + request.name(), failure));
    }

    public void toggleEnabled() {
        IdentityProviderView entry = selected.get();
        if (entry == null) {
            return;
        }
        IdentityProviderRequest request = new IdentityProviderRequest(entry.name(), entry.kind(), entry.displayName(),
                !entry.enabled(), entry.settings(), null, entry.roleMapping());
        service.saveIdentityProvider(request, false, saved -> {
            done((saved.enabled() ? "Enabled " : "Disabled ") + saved.name() + ".");
            load();
        }, failure -> failed((entry.enabled() ? "Disabling " : "Enabling ") + entry.name(), failure));
    }

    public void delete() {
        IdentityProviderView entry = selected.get();
        if (entry == null) {
            return;
        }
        service.deleteIdentityProvider(entry.name(), ok -> {
            done("Deleted " + entry.name() + ".");
            newProvider();
            load();
        }, failure -> failed("Deleting " + entry.name(), failure));
    }

    /** Asks the server to reach the provider (LDAP bind, OIDC discovery, SAML metadata) and shows what it found. */
    public void testConnection() {
        IdentityProviderView entry = selected.get();
        if (entry == null) {
            error.set("Save the provider first, then test it.");
            return;
        }
        testResult.set("Testing " + entry.name() + "…");
        service.testIdentityProvider(entry.name(), result -> {
            testPassed.set(result.ok());
            testResult.set((result.ok() ? "Connection works: " : "Connection failed: ") + result.message());
        }, failure -> {
            testPassed.set(false);
            testResult.set("");
            failed("Testing " + entry.name(), failure);
        });
    }

    IdentityProviderRequest request(boolean enable) {
        if (name.get().isBlank()) {
            throw new IllegalArgumentException("A provider needs a name (letters, digits and dashes).");
        }
        Map<String, Object> settingsValue = parse("Settings", settings.get(), new TypeReference<Map<String, Object>>() { });
        Map<String, String> secretsValue = secrets.get().isBlank() ? null : parse("Secrets", secrets.get(), new TypeReference<Map<String, String>>() { });
        RoleMappingView mapping = roleMapping.get().isBlank() ? null
                : parse("Role mapping", roleMapping.get(), new TypeReference<RoleMappingView>() { });
        return new IdentityProviderRequest(name.get().strip(), kind.get(), displayName.get().isBlank() ? null : displayName.get().strip(),
                enable, settingsValue, secretsValue, mapping);
    }

    private static <T> T parse(String field, String text, TypeReference<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(field + " is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ").");
        }
    }

    private static String write(Object value) {
        try {
            return value == null ? "" : JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the provider's settings", e);
        }
    }

    private void done(String sentence) {
        error.set("");
        status.set(sentence);
    }

    private void failed(String what, Throwable failure) {
        status.set("");
        if (failure instanceof AdminService.Cancelled cancelled) {
            error.set("");
            status.set(cancelled.getMessage());
        } else if (failure instanceof ApiException e) {
            LOG.info("{}: {}", what, e.getMessage());
            error.set(what + " failed: " + e.getMessage());
        } else {
            LOG.error(what, failure);
            error.set(what + " failed: " + failure.getMessage());
        }
    }

    /** Starting points per kind: the keys an operator fills in (docs/ENTERPRISE-AUTH.md explains each). */
    static final class Templates {
        static final String ROLE_MAPPING = """
                {
                  "rules" : [ { "attribute" : "groups", "value" : "dba", "role" : "operator" } ],
                  "defaultRole" : null
                }""";

        private Templates() {
        }

        static String settings(String kind) {
            return switch (kind == null ? "" : kind) {
                case "ldap" -> """
                        {
                          "url" : "ldaps://ldap.example.com:636",
                          "caFile" : "/etc/pganalytics/ldap-ca.pem",
                          "bindDn" : "cn=pganalytics,ou=services,dc=example,dc=com",
                          "userBaseDn" : "ou=people,dc=example,dc=com",
                          "userFilter" : "(uid={username})"
                        }""";
                case "oidc" -> """
                        {
                          "issuer" : "https://idp.example.com/realms/example",
                          "clientId" : "pganalytics"
                        }""";
                case "saml" -> """
                        {
                          "idpMetadataUrl" : "https://idp.example.com/saml/metadata",
                          "spEntityId" : "https://pganalytics.example.com/saml"
                        }""";
                default -> "{ }";
            };
        }

        static String secrets(String kind) {
            return switch (kind == null ? "" : kind) {
                case "ldap" -> "{ \"bindPassword\" : \"\" }";
                case "oidc" -> "{ \"clientSecret\" : \"\" }";
                default -> "";
            };
        }
    }

    public ObservableList<IdentityProviderView> providers() {
        return providers;
    }

    public ObjectProperty<IdentityProviderView> selectedProperty() {
        return selected;
    }

    public ReadOnlyBooleanProperty creatingProperty() {
        return creating;
    }

    /** A provider from the server's configuration file: the API does not change it. */
    public ReadOnlyBooleanProperty readOnlyProperty() {
        return readOnly;
    }

    public StringProperty nameProperty() {
        return name;
    }

    public StringProperty kindProperty() {
        return kind;
    }

    public StringProperty displayNameProperty() {
        return displayName;
    }

    public BooleanProperty enabledProperty() {
        return enabled;
    }

    public StringProperty settingsProperty() {
        return settings;
    }

    public StringProperty secretsProperty() {
        return secrets;
    }

    public StringProperty roleMappingProperty() {
        return roleMapping;
    }

    public ReadOnlyStringProperty secretsSetProperty() {
        return secretsSet;
    }

    public ReadOnlyStringProperty testResultProperty() {
        return testResult;
    }

    public ReadOnlyBooleanProperty testPassedProperty() {
        return testPassed;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

package io.pganalytics.server.auth.saml;

import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.AuthMethods;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.BrowserProvider;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One SAML 2.0 identity provider, with this server as its service provider. {@link #start} sends the browser to the
 * IdP with an AuthnRequest whose ID the broker keeps; {@link #finish} accepts the IdP's POSTed Response only after
 * {@link ResponseValidator}'s checks and the cluster-wide one-time use of its assertion, then maps the roles.
 * The IdP's metadata, when it comes from a URL or file, is read on first use and again after {@link #METADATA_TTL}
 * (the last good copy stays in use while a refresh fails).
 */
final class SamlProvider implements BrowserProvider {
    static final String KEPT_REQUEST_ID = "samlRequestId";
    static final String FORM_RESPONSE = "SAMLResponse";
    static final Duration METADATA_TTL = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(SamlProvider.class);

    private final ProviderDefinition definition;
    private final SamlSettings settings;
    private final ProviderContext context;
    private final ResponseValidator validator;
    private final AssertionReplays replays;
    private final AuthnRequests requests;
    private final HttpClient http;
    private volatile Loaded loaded;

    private record Loaded(IdpMetadata metadata, Instant at) {
    }

    SamlProvider(ProviderDefinition definition, SamlSettings settings, ProviderContext context) {
        this.definition = definition;
        this.settings = settings;
        this.context = context;
        this.validator = new ResponseValidator(context.clock());
        this.replays = new AssertionReplays(context.hazelcast(), context.clock());
        this.requests = new AuthnRequests(new SecureRandom());
        this.http = settings.idpMetadataUrl() == null ? null : HttpClient.newBuilder()
                .connectTimeout(IdpMetadata.FETCH_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public ProviderDefinition definition() {
        return definition;
    }

    @Override
    public BrowserStart start(String flowId, URI callback) {
        IdpMetadata idp = idp(false);
        String id = requests.newId();
        String xml = AuthnRequests.xml(id, context.clock().instant(), idp.ssoUrl(), callback.toString(),
                spEntityId(callback), settings.nameIdFormat());
        URI redirect = AuthnRequests.redirect(idp.ssoUrl(), xml, flowId, settings.signAuthnRequests() ? settings.spPrivateKey() : null);
        return new BrowserStart(redirect, Map.of(KEPT_REQUEST_ID, id));
    }

    @Override
    public ExternalIdentity finish(Map<String, String> parameters, Map<String, String> kept, URI callback) {
        String requestId = kept.get(KEPT_REQUEST_ID);
        if (requestId == null) {
            throw ApiException.unauthenticated("SAML sign-in with " + definition.name() + " refused: this flow sent no AuthnRequest");
        }
        try {
            IdpMetadata idp = idp(false);
            ResponseValidator.Assertion assertion = validator.validate(parameters.get(FORM_RESPONSE),
                    new ResponseValidator.Expected(callback.toString(), spEntityId(callback), requestId, idp,
                            settings.clockSkew(), settings.wantAssertionsSigned()));
            replays.useOnce(assertion.issuer(), assertion.id(), assertion.usableUntil());
            return identity(assertion);
        } catch (SamlException e) {
            LOG.info("saml provider {}: sign-in refused: {}", definition.name(), e.getMessage());
            throw ApiException.unauthenticated("SAML sign-in with " + definition.name() + " refused: " + e.getMessage());
        }
    }

    private ExternalIdentity identity(ResponseValidator.Assertion assertion) {
        String username = SamlSettings.NAME_ID.equals(settings.usernameAttribute()) ? assertion.nameId()
                : first(assertion.attributes(), settings.usernameAttribute());
        if (username == null || username.isBlank()) {
            throw new SamlException("the Assertion has no " + settings.usernameAttribute() + " attribute for the user name");
        }
        List<String> groups = settings.groupsAttribute() == null ? List.of()
                : assertion.attributes().getOrDefault(settings.groupsAttribute(), List.of());
        Map<String, List<String>> mapped = new HashMap<>(assertion.attributes());
        mapped.put(SamlSettings.NAME_ID, List.of(assertion.nameId()));
        if (settings.groupsAttribute() != null) {
            mapped.put(RoleMapping.GROUPS, groups);
        }
        Set<Role> roles = definition.roleMapping().rolesFor(mapped).orElseThrow(() -> new SamlException(
                "no role mapping rule matches " + username + " and the provider has no default role"));
        Set<String> methods = new LinkedHashSet<>(List.of(AuthMethods.FEDERATED));
        List<String> mfaValues = settings.mfaAttribute() == null ? List.of()
                : assertion.attributes().getOrDefault(settings.mfaAttribute(), List.of());
        if (assertion.authnContexts().stream().anyMatch(settings.trustProviderMfa()::contains)
                || mfaValues.stream().anyMatch(settings.trustProviderMfa()::contains)) {
            methods.add(AuthMethods.MULTI_FACTOR);
        }
        return new ExternalIdentity(definition.name(), assertion.nameId(), username.strip(),
                first(assertion.attributes(), settings.displayNameAttribute()),
                first(assertion.attributes(), settings.emailAttribute()), Set.copyOf(groups), roles, methods);
    }

    private static String first(Map<String, List<String>> attributes, String name) {
        if (name == null) {
            return null;
        }
        List<String> values = attributes.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    @Override
    public Optional<String> metadata(URI callback) {
        return Optional.of(SpMetadata.xml(spEntityId(callback), callback.toString(), settings));
    }

    @Override
    public String test() {
        IdpMetadata idp = idp(true);
        return (settings.idpMetadataUrl() != null ? "metadata from " + settings.idpMetadataUrl() + ": "
                : settings.idpMetadataFile() != null ? "metadata from " + settings.idpMetadataFile() + ": " : "")
                + idp.describe();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }

    /** Our entity id: configured, or the metadata URL beside the callback ({@code .../sso/<name>/metadata}). */
    String spEntityId(URI callback) {
        return settings.spEntityId() != null ? settings.spEntityId() : callback.resolve("metadata").toString();
    }

    /** The identity provider as configured by hand, or from its metadata with the hand-given values winning. */
    IdpMetadata idp(boolean fresh) {
        if (settings.idpMetadataUrl() == null && settings.idpMetadataFile() == null) {
            return new IdpMetadata(settings.idpEntityId(), settings.idpSsoUrl(), settings.idpCertificates());
        }
        Loaded current = loaded;
        Instant now = context.clock().instant();
        if (fresh || current == null || now.isAfter(current.at().plus(METADATA_TTL))) {
            try {
                byte[] xml = settings.idpMetadataUrl() != null ? IdpMetadata.fetch(http, settings.idpMetadataUrl())
                        : IdpMetadata.read(settings.idpMetadataFile());
                IdpMetadata read = IdpMetadata.parse(xml, settings.idpEntityId());
                current = new Loaded(new IdpMetadata(read.entityId(),
                        settings.idpSsoUrl() != null ? settings.idpSsoUrl() : read.ssoUrl(),
                        settings.idpCertificates().isEmpty() ? read.certificates() : settings.idpCertificates()), now);
                loaded = current;
            } catch (SamlException e) {
                if (current == null || fresh) {
                    throw ApiException.unavailable("SAML provider " + definition.name() + ": " + e.getMessage(), Duration.ofSeconds(30));
                }
                LOG.warn("saml provider {}: keeping the metadata read at {}: {}", definition.name(), current.at(), e.getMessage());
            }
        }
        return current.metadata();
    }
}

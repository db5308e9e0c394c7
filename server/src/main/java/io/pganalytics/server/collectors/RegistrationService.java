package io.pganalytics.server.collectors;

import io.ebean.Database;
import io.ebean.Transaction;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.collectors.CreateRegistrationTokenRequest;
import io.pganalytics.common.collectors.RegistrationTokenCreated;
import io.pganalytics.common.collectors.RegistrationTokenPage;
import io.pganalytics.common.collectors.RegistrationTokenState;
import io.pganalytics.common.collectors.RegistrationTokenView;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.RegistrationRequest;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditEvent.Actor;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Registration tokens and the registration that spends a use of one. A token is shown once and kept as its SHA-256;
 * it allows {@code maxUses} registrations (1 by default: a one-time token; more for a DaemonSet that shares one token
 * across its nodes). Registration takes a use and creates the collector in one transaction, so a token registers at
 * most {@code maxUses} collectors however many requests race for it, and a refused registration creates nothing and
 * spends nothing. Under a multi-use token the collector's name (a DaemonSet names it after its node) must not be a live
 * collector's: a pod that lost its state and registers again is refused with 409 naming the collector, so one node
 * never becomes two collectors silently. Failed registrations are
 * rate limited per client address. Neither a token nor a credential is ever logged. Creating and revoking a token are
 * recorded in the audit trail in their own transactions (the token's id, note and expiry: never its secret).
 */
final class RegistrationService {
    static final int MAX_PAGE = 500;
    private static final String NOT_VALID = "the registration token is not valid: ask an admin for a new one";
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationService.class);

    private final Database database;
    private final RegistrationTokenRepository tokens;
    private final CollectorRepository collectors;
    private final CollectorRegistry registry;
    private final RegistrationThrottle throttle;
    private final Secrets secrets;
    private final Clock clock;
    private final CollectorsConfig config;
    private final AuditLog audit;

    RegistrationService(Database database, RegistrationTokenRepository tokens, CollectorRepository collectors,
                        CollectorRegistry registry, RegistrationThrottle throttle, Secrets secrets, Clock clock,
                        CollectorsConfig config, AuditLog audit) {
        this.database = database;
        this.tokens = tokens;
        this.collectors = collectors;
        this.registry = registry;
        this.throttle = throttle;
        this.secrets = secrets;
        this.clock = clock;
        this.config = config;
        this.audit = audit;
    }

    RegistrationTokenCreated createToken(CreateRegistrationTokenRequest request, Actor caller) {
        List<ErrorDetail> problems = new ArrayList<>();
        String note = Inputs.trimmed(request.note());
        Inputs.check("note", note, Inputs.MAX_NOTE, problems);
        Duration ttl = config.registrationTokenTtl();
        if (request.expiresInSeconds() != null) {
            long seconds = request.expiresInSeconds();
            long min = CollectorsConfig.MIN_TOKEN_TTL.toSeconds();
            long max = config.registrationTokenMaxTtl().toSeconds();
            if (seconds < min || seconds > max) {
                problems.add(new ErrorDetail("expiresInSeconds", "must be from " + min + " to " + max + ", was " + seconds));
            } else {
                ttl = Duration.ofSeconds(seconds);
            }
        }
        int maxUses = 1;
        if (request.maxUses() != null) {
            if (request.maxUses() < 1 || request.maxUses() > CreateRegistrationTokenRequest.MAX_USES) {
                problems.add(new ErrorDetail("maxUses", "must be from 1 to " + CreateRegistrationTokenRequest.MAX_USES + ", was "
                        + request.maxUses()));
            } else {
                maxUses = request.maxUses();
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        String secret = secrets.newToken();
        Instant now = now();
        DRegistrationToken token = new DRegistrationToken();
        token.setTokenHash(Secrets.sha256(secret));
        token.setNote(note);
        token.setCreatedBy(createdBy(caller));
        token.setCreatedAt(now);
        token.setExpiresAt(now.plus(ttl));
        token.setMaxUses(maxUses);
        try (Transaction tx = database.beginTransaction()) {
            tokens.insert(token);
            audit.append(tx, AuditEvent.change("registration-token.create", "registration-token", token.getId().toString())
                    .actor(caller).change(null, recorded(token, now)));
            tx.commit();
        }
        LOG.info("collectors: {} ({}) created registration token {} for {} registration(s), expiring at {}", caller.id(), caller.name(),
                token.getId(), maxUses, token.getExpiresAt());
        return new RegistrationTokenCreated(token.getId(), secret, token.getNote(), token.getCreatedBy(), token.getCreatedAt(),
                token.getExpiresAt(), maxUses);
    }

    RegistrationTokenPage listTokens(int offset, int limit) {
        Instant now = now();
        List<RegistrationTokenView> page = tokens.page(offset, limit).stream().map(token -> view(token, now)).toList();
        return new RegistrationTokenPage(page, tokens.count(), offset, limit);
    }

    void revokeToken(long id, Actor caller) {
        try (Transaction tx = database.beginTransaction()) {
            DRegistrationToken token = tokens.findById(id).orElseThrow(() -> ApiException.notFound("no registration token with id " + id));
            Instant now = now();
            if (!tokens.revoke(id, now)) {
                DRegistrationToken current = tokens.findById(id).orElse(token);
                throw ApiException.conflict("registration token " + id + " is " + state(current, now()).wireName()
                        + ": only a token with a use left can be revoked");
            }
            Map<String, Object> before = recorded(token, now);
            Map<String, Object> after = new LinkedHashMap<>(before);
            after.put("state", RegistrationTokenState.REVOKED.wireName());
            audit.append(tx, AuditEvent.change("registration-token.revoke", "registration-token", Long.toString(id)).actor(caller)
                    .change(before, after));
            tx.commit();
        }
        LOG.info("collectors: {} ({}) revoked registration token {}", caller.id(), caller.name(), id);
    }

    /**
     * Exchanges a registration token for a new collector's identity.
     *
     * @throws ApiException rate limited while the address is blocked; validation failed for bad fields (the token is
     *                      not spent); unauthenticated for an unknown, expired or revoked token; conflict for a used-up
     *                      one, and under a multi-use token for a name a live collector has (no use spent)
     */
    CollectorIdentity register(RegistrationRequest request, String clientAddress, String serverUrl) {
        throttle.checkAllowed(clientAddress);
        Described described = describe(request);
        if (!Secrets.isWellFormedToken(request.token().strip())) {
            throw refuse(clientAddress, ApiException.unauthenticated(NOT_VALID));
        }
        byte[] hash = Secrets.sha256(request.token().strip());
        UUID id = UUID.randomUUID();
        String credential = secrets.newCredential(id);
        Instant now = now();
        DCollector collector = new DCollector();
        try (Transaction tx = database.beginTransaction()) {
            DRegistrationToken token = tokens.findByHash(hash).orElseThrow(() -> refuse(clientAddress, ApiException.unauthenticated(NOT_VALID)));
            OptionalInt use = tokens.claim(token.getId(), now, id);
            if (use.isEmpty()) {
                DRegistrationToken current = tokens.findById(token.getId()).orElse(token);
                throw refuse(clientAddress, whyUnusable(current, now));
            }
            if (token.getMaxUses() > 1) {
                // checked after the claim: the token's row lock serialises this token's registrations, so of two pods
                // with one name only the first creates a collector (the rollback returns the second's use)
                collectors.findLiveByName(described.name()).ifPresent(live -> {
                    LOG.info("collectors: refused a registration from {} with registration token {}: collector {} is named {} already",
                            clientAddress, token.getId(), live.getId(), described.name());
                    throw ApiException.conflict("collector " + live.getId() + " is named '" + described.name()
                            + "' already (registered at " + live.getCreatedAt() + "): a token shared by several collectors "
                            + "registers each name once; delete that collector to register this one again");
                });
            }
            collector.setId(id);
            collector.setName(described.name());
            collector.setHostname(described.hostname());
            collector.setCollectorVersion(described.version());
            collector.setCredentialHash(Secrets.sha256(credential));
            collector.setRegistrationTokenId(token.getId());
            collector.setClientAddress(clientAddress.length() > 64 ? clientAddress.substring(0, 64) : clientAddress);
            collector.setCreatedAt(now);
            collector.setUpdatedAt(now);
            collectors.insert(collector);
            // the collector registers itself: the token it spent is its authority (a collector is not a person)
            Map<String, Object> registered = new LinkedHashMap<>();
            registered.put("name", collector.getName());
            registered.put("hostname", collector.getHostname());
            registered.put("collectorVersion", collector.getCollectorVersion());
            registered.put("enabled", true);
            registered.put("registrationToken", token.getId().toString());
            registered.put("registrationTokenUse", use.getAsInt());
            registered.put("registrationTokenMaxUses", token.getMaxUses());
            audit.append(tx, AuditEvent.change("collector.register", "collector", id.toString())
                    .actor(new Actor("collector", id.toString(), collector.getName(), List.of(), clientAddress, null))
                    .change(null, registered));
            tx.commit();
        }
        registry.publish(collector);
        LOG.info("collectors: registered collector {} ({}) on host {}, version {}, from {} with registration token {}",
                id, collector.getName(), described.hostname(), described.version(), clientAddress, collector.getRegistrationTokenId());
        return new CollectorIdentity(id.toString(), credential, serverUrl);
    }

    /** How a registering collector describes itself, trimmed and checked; the name defaults to the host name. */
    private record Described(String name, String hostname, String version) {
    }

    private static Described describe(RegistrationRequest request) {
        String name = Inputs.trimmed(request.name());
        String hostname = Inputs.trimmed(request.hostname());
        String version = Inputs.trimmed(request.collectorVersion());
        List<ErrorDetail> problems = new ArrayList<>();
        if (request.token() == null || request.token().isBlank()) {
            problems.add(new ErrorDetail("token", "is required: the one-time registration token an admin created"));
        }
        Inputs.check("name", name, Inputs.MAX_NAME, problems);
        Inputs.check("hostname", hostname, Inputs.MAX_HOSTNAME, problems);
        Inputs.check("collectorVersion", version, Inputs.MAX_VERSION, problems);
        if (name == null && hostname == null) {
            problems.add(new ErrorDetail("name", "give a name or a hostname"));
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new Described(name == null ? hostname : name, hostname, version);
    }

    private ApiException refuse(String clientAddress, ApiException refusal) {
        throttle.recordFailure(clientAddress);
        LOG.info("collectors: refused a registration from {}: {}", clientAddress, refusal.getMessage());
        return refusal;
    }

    private static ApiException whyUnusable(DRegistrationToken token, Instant now) {
        return switch (state(token, now)) {
            case USED -> ApiException.conflict(token.getMaxUses() == 1
                    ? "the registration token was already used at " + token.getUsedAt()
                            + ": a token registers one collector; ask an admin for a new one"
                    : "the registration token is used up: all " + token.getMaxUses() + " registrations were taken, the last at "
                            + token.getUsedAt() + "; ask an admin for a new one");
            case REVOKED -> ApiException.unauthenticated("the registration token was revoked: ask an admin for a new one");
            case EXPIRED -> ApiException.unauthenticated("the registration token expired at " + token.getExpiresAt()
                    + ": ask an admin for a new one");
            case ACTIVE -> ApiException.conflict("the registration token is being used by another registration");
        };
    }

    static RegistrationTokenState state(DRegistrationToken token, Instant now) {
        if (token.getUseCount() >= token.getMaxUses()) {
            return RegistrationTokenState.USED;
        }
        if (token.getRevokedAt() != null) {
            return RegistrationTokenState.REVOKED;
        }
        return now.isBefore(token.getExpiresAt()) ? RegistrationTokenState.ACTIVE : RegistrationTokenState.EXPIRED;
    }

    private static RegistrationTokenView view(DRegistrationToken token, Instant now) {
        RegistrationTokenState state = state(token, now);
        int usesLeft = state == RegistrationTokenState.ACTIVE ? token.getMaxUses() - token.getUseCount() : 0;
        return new RegistrationTokenView(token.getId(), token.getNote(), token.getCreatedBy(), token.getCreatedAt(),
                token.getExpiresAt(), state, token.getMaxUses(), usesLeft, token.getUsedAt(),
                token.getUsedByCollectorId() == null ? null : token.getUsedByCollectorId().toString(), token.getRevokedAt());
    }

    /** A token as an audit record holds it: never its secret (nor its hash), nor who made it (the record's actor says). */
    private static Map<String, Object> recorded(DRegistrationToken token, Instant now) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("note", token.getNote());
        state.put("expiresAt", token.getExpiresAt().toString());
        state.put("maxUses", token.getMaxUses());
        state.put("useCount", token.getUseCount());
        state.put("state", state(token, now).wireName());
        return state;
    }

    private static String createdBy(Actor caller) {
        String name = caller.name() == null || caller.name().isBlank() ? caller.id() : caller.name();
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    /** The clock's time at the database's precision, so that what a response shows is what a later read returns. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}

package io.pganalytics.server.auth.ldap;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.server.auth.ExternalUsers;
import io.pganalytics.server.auth.ExternalUsers.ExternalUser;
import io.pganalytics.server.auth.provider.IdentityProviders;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the local copies of LDAP users in step with their directory: every {@code settings.syncInterval} (15 minutes by
 * default) each user of each enabled LDAP provider is looked up again with the service account; changed groups change
 * the roles (sessions end when a role is taken away), and a user the directory no longer has, has disabled, or no
 * longer maps to a role is disabled here, sessions ended.
 * <p>
 * One node at a time runs a provider's round, through the cluster's job leases; when and where the last round stopped
 * is kept in the cluster too, so that a round is at most {@code settings.syncBatchSize} users and the next one, on any
 * node, goes on from there. A directory that cannot be reached, or whose user base has vanished, skips the round with a
 * warning and changes nothing: an outage never disables anyone.
 */
public final class DirectorySync implements AutoCloseable {
    /** The cluster map of each provider's last round ({@code <name>.last}, epoch ms) and cursor ({@code <name>.cursor}, a user id). */
    public static final String STATE_MAP = "pga.directory-sync";
    static final String LEASE_PREFIX = "directory-sync.";
    private static final Duration LEASE_TTL = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(DirectorySync.class);

    private final IdentityProviders providers;
    private final ExternalUsers users;
    private final JobLeases leases;
    private final IMap<String, String> state;
    private final Clock clock;
    private final Duration tick;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closing;

    /**
     * @param tick how often each node checks whether a provider's round is due (rounds themselves follow each
     *             provider's {@code syncInterval})
     */
    public DirectorySync(IdentityProviders providers, ExternalUsers users, HazelcastInstance hazelcast, Clock clock,
                         Duration tick) {
        this.providers = Objects.requireNonNull(providers);
        this.users = Objects.requireNonNull(users);
        this.leases = new JobLeases(hazelcast, LEASE_TTL);
        this.state = hazelcast.getMap(STATE_MAP);
        this.clock = Objects.requireNonNull(clock);
        this.tick = tick;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-directory-sync");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** What one provider's round did. */
    public record Round(String provider, int checked, int rolesChanged, int disabled, boolean complete, String skipped) {
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::scheduled, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a round of every enabled LDAP provider now, due or not (where this node can take its lease). */
    public List<Round> runOnce() {
        List<Round> rounds = new ArrayList<>();
        for (LdapProvider ldap : ldapProviders()) {
            round(ldap, true).ifPresent(rounds::add);
        }
        return rounds;
    }

    /** The scheduler thread's root: every failure is logged here and the schedule goes on. */
    private void scheduled() {
        if (closing) {
            return;
        }
        try {
            for (LdapProvider ldap : ldapProviders()) {
                round(ldap, false);
            }
        } catch (RuntimeException e) {
            LOG.warn("directory sync: a round failed, trying again in {}: {}", tick, e.toString());
        }
    }

    private List<LdapProvider> ldapProviders() {
        List<LdapProvider> found = new ArrayList<>();
        for (ProviderSummary summary : providers.summaries()) {
            if (LdapKind.KIND.equals(summary.kind())) {
                providers.passwordProvider(summary.name()).filter(LdapProvider.class::isInstance)
                        .map(LdapProvider.class::cast).ifPresent(found::add);
            }
        }
        return found;
    }

    private Optional<Round> round(LdapProvider ldap, boolean force) {
        String name = ldap.definition().name();
        Optional<JobLeases.Lease> lease = leases.tryAcquire(LEASE_PREFIX + name);
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        try (JobLeases.Lease held = lease.get()) {
            long now = clock.millis();
            String last = state.get(name + ".last");
            if (!force && last != null && now - Long.parseLong(last) < ldap.settings().syncInterval().toMillis()) {
                return Optional.empty();
            }
            state.put(name + ".last", Long.toString(now));
            return Optional.of(sync(ldap, held));
        }
    }

    private Round sync(LdapProvider ldap, JobLeases.Lease lease) {
        String name = ldap.definition().name();
        try {
            ldap.probe();
        } catch (ApiException e) {
            LOG.warn("directory sync {}: skipped, nothing changed: {}", name, e.getMessage());
            return new Round(name, 0, 0, 0, false, e.getMessage());
        }
        long cursor = Long.parseLong(Optional.ofNullable(state.get(name + ".cursor")).orElse("0"));
        int batch = ldap.settings().syncBatchSize();
        List<ExternalUser> page = users.of(name).stream().filter(u -> u.id() > cursor)
                .sorted(Comparator.comparingLong(ExternalUser::id)).limit(batch).toList();
        int checked = 0;
        int changed = 0;
        int disabled = 0;
        long reached = cursor;
        for (ExternalUser user : page) {
            if (!lease.held() || closing) {
                state.put(name + ".cursor", Long.toString(reached));
                return new Round(name, checked, changed, disabled, false, "stopped: the lease was lost or the node is stopping");
            }
            DirectoryStatus status;
            try {
                status = ldap.lookup(user.username());
            } catch (ApiException e) {
                if (e.type() != ErrorType.UNAVAILABLE) {
                    throw e;
                }
                state.put(name + ".cursor", Long.toString(reached));
                LOG.warn("directory sync {}: stopped after {} user(s), the rest waits for the next round: {}", name,
                        checked, e.getMessage());
                return new Round(name, checked, changed, disabled, false, e.getMessage());
            }
            checked++;
            switch (apply(name, user, status)) {
                case ROLES -> changed++;
                case DISABLED -> disabled++;
                case NONE -> { }
            }
            reached = user.id();
        }
        // A short page is the end of the list: the next round starts from the beginning.
        state.put(name + ".cursor", page.size() < batch ? "0" : Long.toString(reached));
        if (changed > 0 || disabled > 0) {
            LOG.info("directory sync {}: {} user(s) checked, {} with new roles, {} disabled", name, checked, changed, disabled);
        }
        return new Round(name, checked, changed, disabled, page.size() < batch, null);
    }

    private enum Change { NONE, ROLES, DISABLED }

    private Change apply(String provider, ExternalUser user, DirectoryStatus status) {
        String reason = switch (status.state()) {
            case GONE -> "not in the directory any more";
            case DISABLED -> "disabled in the directory";
            case NO_ROLE -> "no role maps from their directory groups any more";
            case ACTIVE -> sameSubject(user.subject(), status.subject()) ? null
                    : "the directory's entry for this name is now a different one (" + status.subject() + ")";
        };
        if (reason != null) {
            return user.enabled() && users.disable(user.id(), reason) ? Change.DISABLED : Change.NONE;
        }
        if (status.identity().roles().equals(user.roles())) {
            return Change.NONE;
        }
        LOG.debug("directory sync {}: {} roles {} -> {}", provider, user.username(), user.roles(), status.identity().roles());
        return users.updateRoles(user.id(), status.identity().roles()) ? Change.ROLES : Change.NONE;
    }

    /** Subjects compare as DNs when both are DNs (case and spacing aside), else without regard to case. */
    private static boolean sameSubject(String local, String directory) {
        if (local == null || directory == null) {
            return false;
        }
        try {
            if (DN.isValidDN(local) && DN.isValidDN(directory) && local.contains("=")) {
                return new DN(local).equals(new DN(directory));
            }
        } catch (LDAPException e) {
            // not DNs after all: compare as text
        }
        return local.equalsIgnoreCase(directory);
    }

    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("directory sync: a round did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leases.close();
    }
}

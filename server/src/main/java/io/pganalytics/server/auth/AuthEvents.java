package io.pganalytics.server.auth;

import io.pganalytics.common.auth.Role;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.ClientInfo;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sign-in, sign-out, refresh, MFA and SSO events, queued for the audit trail ({@link AuditLog#submit}). The client
 * (trusted address, user agent) is the request's being served ({@link ClientInfo#current()}). A failed sign-in for a
 * user who exists is that person's record ({@code Actor.user}); for a name nobody holds, the name typed is not kept (it
 * is too often a password typed in the wrong field). Reasons name what failed, never a secret.
 */
public final class AuthEvents {
    private final AuditLog log;

    public AuthEvents(AuditLog log) {
        this.log = log;
    }

    private static ClientInfo client() {
        return ClientInfo.current().orElse(new ClientInfo(null, null));
    }

    /** An event of the person {@code userId}, signed in or not. */
    public void user(String action, AuditEvent.Outcome outcome, long userId, String username, Collection<Role> roles,
                     Map<String, ?> details) {
        ClientInfo client = client();
        submit(AuditEvent.auth(action).outcome(outcome)
                .actor(AuditEvent.Actor.user(Long.toString(userId), username, roles, client.address(), client.userAgent()))
                .resource("user", Long.toString(userId)), details);
    }

    /** An event of a signed-in caller (sign-out, step-up, enrolment). */
    public void caller(String action, AuditEvent.Outcome outcome, Caller caller, Map<String, ?> details) {
        ClientInfo client = client();
        submit(AuditEvent.auth(action).outcome(outcome).actor(AuditEvent.Actor.of(caller, client.address(), client.userAgent()))
                .resource("user", caller.id()), details);
    }

    /** An event of someone not known (an unknown user name, an unknown refresh token or challenge, an SSO start). */
    public void anonymous(String action, AuditEvent.Outcome outcome, Map<String, ?> details) {
        ClientInfo client = client();
        submit(AuditEvent.auth(action).outcome(outcome).actor(AuditEvent.Actor.anonymous(null, client.address(), client.userAgent())),
                details);
    }

    private void submit(AuditEvent event, Map<String, ?> details) {
        new TreeMap<String, Object>(details).forEach(event::detail);
        log.submit(event);
    }

    /** The sign-in method of a user's source: {@code local}, else the identity provider's kind (ldap, oidc, saml). */
    static String method(DUser user, io.pganalytics.server.auth.provider.IdentityProviders providers) {
        if (!user.isExternal()) {
            return "local";
        }
        return providers.enabled(user.getSource()).map(p -> p.definition().kind()).orElse("external");
    }
}

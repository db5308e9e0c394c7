package io.pganalytics.console.api;

import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.common.auth.MfaTotpEnrolment;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.common.query.ActivitySnapshot;
import io.pganalytics.common.query.IndexPage;
import io.pganalytics.common.query.InstanceDetail;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.QueryDetail;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.common.query.TablePage;
import io.pganalytics.common.query.TopQueries;
import io.pganalytics.common.query.WaitEvents;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One server's API as the console uses it. Every method blocks (call it off the FX thread) and fails with an
 * {@link ApiException}. Authentication is handled inside: calls carry the access token, which is refreshed silently;
 * when the refresh is refused, the call fails with {@code SESSION_EXPIRED} and the listeners given to
 * {@link #onSessionExpired} hear why.
 */
public interface ConsoleApi extends AutoCloseable {
    ServerAddress address();

    /** Signs in with a local account that needs no second factor. */
    default UserView login(String username, String password) {
        SignIn signIn = signIn(username, password, null);
        if (!signIn.complete()) {
            throw new ApiException(ApiException.Kind.REJECTED, "This account needs a second factor to sign in.", null, null);
        }
        return signIn.user();
    }

    // ---- signing in (no session needed)

    /** The enabled identity providers, local first; a server that predates them offers {@link ProviderSummary#LOCAL}. */
    List<ProviderSummary> providers();

    /**
     * Checks a username and password with {@code provider} (null or {@code local}: a local account; else a password
     * provider such as LDAP). Signed in, or an MFA challenge to answer with {@link #verifyMfa}.
     */
    SignIn signIn(String username, String password, String provider);

    /** Where the browser starts single sign-on with {@code provider}, to come back to {@code redirectUri}. */
    URI singleSignOnStart(String provider, URI redirectUri, String state, String codeChallenge);

    /** Exchanges the one-time code the browser brought to the loopback for this console's own tokens. */
    SignIn exchangeSingleSignOnCode(String code, String codeVerifier, URI redirectUri);

    /** Answers an MFA challenge with a code: {@code method} is {@code totp}, {@code hotp} or {@code backup-code}. */
    SignIn verifyMfa(String challenge, String method, String code);

    /**
     * Starts a TOTP enrolment: of the signed-in user ({@code challenge} null), or of a person whose sign-in the policy
     * holds until they enrol ({@code challenge} from {@link io.pganalytics.common.auth.MfaChallenge}).
     */
    MfaTotpEnrolment startTotp(String challenge);

    /** Confirms the enrolment with its first code: backup codes, and the user when it finished a sign-in. */
    EnrolmentResult confirmTotp(String enrolmentId, String code, String challenge);

    /** Proves a fresh second factor for an admin action the server refused with {@link ApiException#stepUpRequired()}. */
    void stepUp(String method, String code);

    /** The administration calls (admins), on this session. */
    AdminApi admin();

    /** The audit trail (auditors and admins), on this session. */
    AuditApi audit();

    /** Backup and recovery (operators and admins), on this session. */
    BackupsApi backups();

    /** Anomaly detection: the fleet's anomalies, bands, feedback, sensitivity and exclusions, on this session. */
    AnomaliesApi anomalies();

    /** Alerts and incidents: firing alerts, incidents, acknowledge, resolve, feedback, silences, the live stream. */
    AlertsApi alerts();

    /** Alerting's configuration: rules and their preview, effectiveness, maintenance windows, on-call, receivers, routes. */
    AlertingAdminApi alertingAdmin();

    /** Resumes the session saved at the last sign-in to this server, if its refresh token is still good. */
    Optional<UserView> resume();

    /** The username remembered for this server, to fill the sign-in form. */
    Optional<String> rememberedUsername();

    /** Ends the session on the server and forgets its tokens. */
    void logout();

    Optional<UserView> user();

    void onSessionExpired(Consumer<String> listener);

    InstancePage instances(int limit);

    /** The monitored instances' own WAL archiving ({@code GET /archiving}, viewers and up), worst first. */
    List<InstanceArchiving> archiving();

    InstanceDetail instance(long id);

    SeriesResponse series(long id, String metric, Instant from, Instant to);

    /** @param orderBy total_time, calls, mean_time, rows or io */
    TopQueries topQueries(long id, Instant from, Instant to, String orderBy, int limit);

    QueryDetail query(long id, long queryid, Instant from, Instant to);

    WaitEvents waits(long id, Instant from, Instant to, int limit);

    TablePage tables(long id, Instant from, Instant to, int limit);

    IndexPage indexes(long id, Instant from, Instant to, int limit);

    ActivitySnapshot activity(long id);

    /**
     * Subscribes to an instance's live updates (server-sent events), reconnecting with backoff until closed.
     * The listener is called on a background thread.
     */
    LiveSubscription live(long id, LiveListener listener);

    @Override
    void close();
}

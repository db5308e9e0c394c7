package io.pganalytics.console.api;

import io.pganalytics.common.auth.UserView;
import io.pganalytics.common.query.ActivitySnapshot;
import io.pganalytics.common.query.IndexPage;
import io.pganalytics.common.query.InstanceDetail;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.QueryDetail;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.common.query.TablePage;
import io.pganalytics.common.query.TopQueries;
import io.pganalytics.common.query.WaitEvents;

import java.time.Instant;
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

    /** Signs in with a local (or directory) account. */
    UserView login(String username, String password);

    /** Resumes the session saved at the last sign-in to this server, if its refresh token is still good. */
    Optional<UserView> resume();

    /** The username remembered for this server, to fill the sign-in form. */
    Optional<String> rememberedUsername();

    /** Ends the session on the server and forgets its tokens. */
    void logout();

    Optional<UserView> user();

    void onSessionExpired(Consumer<String> listener);

    InstancePage instances(int limit);

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

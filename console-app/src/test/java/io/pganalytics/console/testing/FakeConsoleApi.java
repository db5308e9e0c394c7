package io.pganalytics.console.testing;

import io.pganalytics.common.auth.Role;
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
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;
import io.pganalytics.console.api.ServerAddress;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** A {@link ConsoleApi} that answers what a test gives it (STYLE.md allows a fake of the console's client in view-model tests). */
public final class FakeConsoleApi implements ConsoleApi {
    public String password = "right";
    public ApiException failure;
    public InstancePage instances = new InstancePage(List.of(), 0, 0, 500, java.util.Map.of(), Instant.now());
    public TopQueries top;
    public final List<String> calls = new ArrayList<>();
    public LiveListener live;
    private UserView user;

    @Override
    public ServerAddress address() {
        return ServerAddress.parse("https://pga.example.com:8443");
    }

    @Override
    public UserView login(String username, String password) {
        calls.add("login " + username);
        fail();
        if (!this.password.equals(password)) {
            throw new ApiException(ApiException.Kind.REJECTED, "The user name or password is wrong.", null, null);
        }
        user = new UserView(1, username, username, Set.of(Role.VIEWER), "local", true, Instant.now(), Instant.now());
        return user;
    }

    @Override
    public Optional<UserView> resume() {
        return Optional.empty();
    }

    @Override
    public Optional<String> rememberedUsername() {
        return Optional.of("dba");
    }

    @Override
    public void logout() {
        user = null;
    }

    @Override
    public Optional<UserView> user() {
        return Optional.ofNullable(user);
    }

    @Override
    public void onSessionExpired(Consumer<String> listener) {
    }

    @Override
    public InstancePage instances(int limit) {
        calls.add("instances");
        fail();
        return instances;
    }

    @Override
    public InstanceDetail instance(long id) {
        fail();
        throw new ApiException(ApiException.Kind.REJECTED, "Not in this fake.", null, null);
    }

    @Override
    public SeriesResponse series(long id, String metric, Instant from, Instant to) {
        fail();
        return new SeriesResponse(id, metric, "1/s", "", "raw", 60, from, to, List.of());
    }

    @Override
    public TopQueries topQueries(long id, Instant from, Instant to, String orderBy, int limit) {
        calls.add("top " + orderBy);
        fail();
        return top;
    }

    @Override
    public QueryDetail query(long id, long queryid, Instant from, Instant to) {
        fail();
        return new QueryDetail(id, queryid, null, "shop", "SELECT full_text FROM t WHERE id = $1", from, to, "raw", 60, null, List.of());
    }

    @Override
    public WaitEvents waits(long id, Instant from, Instant to, int limit) {
        fail();
        return new WaitEvents(id, from, to, "raw", 0, List.of());
    }

    @Override
    public TablePage tables(long id, Instant from, Instant to, int limit) {
        fail();
        return new TablePage(id, from, to, "raw", "total_bytes", 0, 0, limit, List.of());
    }

    @Override
    public IndexPage indexes(long id, Instant from, Instant to, int limit) {
        fail();
        return new IndexPage(id, from, to, "raw", "size_bytes", 0, 0, limit, List.of());
    }

    @Override
    public ActivitySnapshot activity(long id) {
        fail();
        return null;
    }

    @Override
    public LiveSubscription live(long id, LiveListener listener) {
        live = listener;
        return () -> live = null;
    }

    @Override
    public void close() {
    }

    private void fail() {
        if (failure != null) {
            throw failure;
        }
    }
}

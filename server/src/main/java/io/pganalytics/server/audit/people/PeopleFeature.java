package io.pganalytics.server.audit.people;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.audit.AuditFeature;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.auth.People;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;

/**
 * GDPR access and erasure requests, wired: built after the auth feature (whose tables hold the accounts) and the
 * confirmations; listens on every node for erasures so that each one forgets the erased person's key.
 */
public final class PeopleFeature implements AutoCloseable {
    private final ErasedKeys erasedKeys;
    private final PeopleRoutes routes;

    public PeopleFeature(DataSource dataSource, AuditFeature audit, People people, Confirmations confirmations, HazelcastInstance hazelcast,
                         JsonBodies bodies, Clock clock) {
        this.erasedKeys = new ErasedKeys(hazelcast, audit.personKeys());
        PeopleService service = new PeopleService(people, new PersonRecords(dataSource), audit.log(), audit.views(), erasedKeys, clock);
        this.routes = new PeopleRoutes(service, confirmations, bodies);
    }

    public List<ApiService> routes() {
        return List.of(routes);
    }

    @Override
    public void close() {
        erasedKeys.close();
    }
}

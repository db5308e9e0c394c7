package io.pganalytics.server.http;

/** A feature's routes: each feature has one {@code XxxRoutes} class implementing this. */
public interface ApiService {
    void register(ApiRules rules);
}

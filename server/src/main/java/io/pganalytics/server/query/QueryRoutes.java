package io.pganalytics.server.query;

import io.pganalytics.server.http.RequestParameters;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /instances...}, {@code /series/metrics} and {@code /archiving} (the monitored databases' own WAL archiving):
 * viewers read the fleet and each instance's data.
 */
final class QueryRoutes implements ApiService {
    static final int MAX_LIMIT = 500;
    private static final int MAX_SEARCH = 100;

    private final QueryService service;
    private final RangePlanner planner;
    private final JsonBodies bodies;

    QueryRoutes(QueryService service, RangePlanner planner, JsonBodies bodies) {
        this.service = service;
        this.planner = planner;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/series/metrics", Access.VIEWER, (req, res) -> bodies.ok(res, SeriesMetrics.infos()))
                .get("/instances", Access.VIEWER, this::fleet)
                .get("/instances/{id}", Access.VIEWER, this::instance)
                .get("/instances/{id}/series", Access.VIEWER, this::series)
                .get("/instances/{id}/queries/top", Access.VIEWER, this::topQueries)
                .get("/instances/{id}/queries/{queryid}", Access.VIEWER, this::query)
                .get("/instances/{id}/waits", Access.VIEWER, this::waits)
                .get("/instances/{id}/tables", Access.VIEWER, this::tables)
                .get("/instances/{id}/indexes", Access.VIEWER, this::indexes)
                .get("/instances/{id}/replication", Access.VIEWER, (req, res) -> bodies.ok(res, service.replication(id(req))))
                .get("/instances/{id}/activity", Access.VIEWER, (req, res) -> bodies.ok(res, service.activity(id(req))))
                .get("/archiving", Access.VIEWER, (req, res) -> bodies.ok(res, service.archiving()))
                .get("/instances/{id}/archiving", Access.VIEWER, (req, res) -> bodies.ok(res, service.archiving(id(req))));
    }

    private void fleet(ServerRequest request, ServerResponse response) {
        InstanceStatus status = text(request, "status").map(s -> choice("status", s, InstanceStatus.class)).orElse(null);
        String search = text(request, "search").map(s -> {
            if (s.length() > MAX_SEARCH) {
                throw ApiException.invalid("search", "must be at most " + MAX_SEARCH + " characters");
            }
            return s;
        }).orElse(null);
        bodies.ok(response, service.fleet(status, search, RequestParameters.intParameter(request, "offset", 0, 0, 1_000_000),
                RequestParameters.intParameter(request, "limit", 100, 1, MAX_LIMIT)));
    }

    private void instance(ServerRequest request, ServerResponse response) {
        bodies.ok(response, service.instance(id(request)));
    }

    private void series(ServerRequest request, ServerResponse response) {
        long id = id(request);
        String metric = text(request, "metric").orElseThrow(() -> ApiException.invalid("metric", "is required; see GET /api/v1/series/metrics"));
        bodies.ok(response, service.series(id, metric, range(request), step(request)));
    }

    private void topQueries(ServerRequest request, ServerResponse response) {
        long id = id(request);
        StatementRepository.Order order = text(request, "orderBy").map(s -> choice("orderBy", s, StatementRepository.Order.class))
                .orElse(StatementRepository.Order.TOTAL_TIME);
        bodies.ok(response, service.topQueries(id, range(request), order, RequestParameters.intParameter(request, "offset", 0, 0, 1_000_000),
                RequestParameters.intParameter(request, "limit", 50, 1, MAX_LIMIT)));
    }

    private void query(ServerRequest request, ServerResponse response) {
        long id = id(request);
        long queryid = longValue("queryid", request.path().pathParameters().get("queryid"));
        Long dbid = text(request, "dbid").map(s -> longValue("dbid", s)).orElse(null);
        bodies.ok(response, service.query(id, queryid, dbid, range(request), step(request)));
    }

    private void waits(ServerRequest request, ServerResponse response) {
        long id = id(request);
        bodies.ok(response, service.waits(id, range(request), RequestParameters.intParameter(request, "limit", 20, 1, MAX_LIMIT)));
    }

    private void tables(ServerRequest request, ServerResponse response) {
        long id = id(request);
        ObjectRepository.TableOrder order = text(request, "orderBy").map(s -> choice("orderBy", s, ObjectRepository.TableOrder.class))
                .orElse(ObjectRepository.TableOrder.TOTAL_BYTES);
        bodies.ok(response, service.tables(id, range(request), database(request), order,
                RequestParameters.intParameter(request, "offset", 0, 0, 1_000_000), RequestParameters.intParameter(request, "limit", 100, 1, MAX_LIMIT)));
    }

    private void indexes(ServerRequest request, ServerResponse response) {
        long id = id(request);
        ObjectRepository.IndexOrder order = text(request, "orderBy").map(s -> choice("orderBy", s, ObjectRepository.IndexOrder.class))
                .orElse(ObjectRepository.IndexOrder.SIZE_BYTES);
        boolean unusedOnly = text(request, "unused").map(s -> switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.invalid("unused", "must be true or false");
        }).orElse(false);
        bodies.ok(response, service.indexes(id, range(request), database(request), unusedOnly, order,
                RequestParameters.intParameter(request, "offset", 0, 0, 1_000_000), RequestParameters.intParameter(request, "limit", 100, 1, MAX_LIMIT)));
    }

    /** The {@code {id}} path parameter: a positive whole number, else 400. */
    static long id(ServerRequest request) {
        long id = longValue("id", request.path().pathParameters().get("id"));
        if (id < 1) {
            throw ApiException.invalid("id", "must be a positive instance id, was " + id);
        }
        return id;
    }

    private TimeRange range(ServerRequest request) {
        return planner.range(text(request, "from"), text(request, "to"));
    }

    private static Optional<Long> step(ServerRequest request) {
        return text(request, "step").map(RangePlanner::stepSeconds);
    }

    private static String database(ServerRequest request) {
        return text(request, "database").map(s -> {
            if (s.length() > 128) {
                throw ApiException.invalid("database", "must be at most 128 characters");
            }
            return s;
        }).orElse(null);
    }

    static Optional<String> text(ServerRequest request, String name) {
        return request.query().first(name).asOptional().map(String::trim).filter(s -> !s.isEmpty());
    }

    private static long longValue(String name, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "must be a whole number, was '" + RangePlanner.abbreviate(text) + "'");
        }
    }

    private static <E extends Enum<E>> E choice(String name, String text, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
                return constant;
            }
        }
        throw ApiException.invalid(name, "must be one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).toList() + ", was '" + RangePlanner.abbreviate(text) + "'");
    }
}

package io.pganalytics.server.backup;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.backup.BackupSettings;
import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.RestoreRequest;
import io.pganalytics.common.backup.StartBackupRequest;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /backups}: the catalogue, back up now, verify, restore (a dry run, then a confirmed restore into a new place),
 * the runs and their progress, the recovery windows, the status with its health, and the schedule and retention.
 * Operators and admins read and start backups and verifications; a real restore and a settings change are admins'.
 */
final class BackupRoutes implements ApiService {
    static final String RESTORE_ACTION = "backup.restore";
    private static final Pattern BACKUP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int SMALL_BODY = 4096;

    private final BackupService service;
    private final BackupScheduler scheduler;
    private final BackupHealth health;
    private final JsonBodies bodies;
    private final Confirmations confirmations;
    private final AuditLog audit;

    BackupRoutes(BackupService service, BackupScheduler scheduler, BackupHealth health, JsonBodies bodies, Confirmations confirmations,
                 AuditLog audit) {
        this.service = service;
        this.scheduler = scheduler;
        this.health = health;
        this.bodies = bodies;
        this.confirmations = confirmations;
        this.audit = audit;
    }

    @Override
    public void register(ApiRules rules) {
        // the fixed paths first: /backups/{id} would take them otherwise
        rules.get("/backups/status", Access.OPERATOR, this::status)
                .get("/backups/windows", Access.OPERATOR, (request, response) -> bodies.ok(response, service.windows()))
                .get("/backups/operations", Access.OPERATOR, this::operations)
                .get("/backups/operations/{id}", Access.OPERATOR, this::operation)
                .get("/backups/settings", Access.OPERATOR, (request, response) -> bodies.ok(response, service.settings().view()))
                .put("/backups/settings", Access.ADMIN, this::updateSettings)
                .post("/backups/verify-chain", Access.OPERATOR, this::verifyChain)
                .post("/backups/restore", Access.OPERATOR, this::restore)
                .get("/backups", Access.OPERATOR, this::list)
                .post("/backups", Access.OPERATOR, this::start)
                .get("/backups/{id}", Access.OPERATOR, this::backup)
                .post("/backups/{id}/verify", Access.OPERATOR, this::verify);
    }

    private void status(ServerRequest request, ServerResponse response) {
        bodies.ok(response, health.status(scheduler::nextFullAt));
    }

    private void list(ServerRequest request, ServerResponse response) {
        bodies.ok(response, service.catalog().list(RequestParameters.intParameter(request, "limit", 100, 1, BackupCatalog.MAX_LIST)));
    }

    private void backup(ServerRequest request, ServerResponse response) {
        String id = backupId(request);
        bodies.ok(response, service.catalog().find(id).orElseThrow(() -> ApiException.notFound("no backup " + id)));
    }

    private void start(ServerRequest request, ServerResponse response) {
        StartBackupRequest body = optionalBody(request, StartBackupRequest.class).orElse(new StartBackupRequest(null));
        accepted(response, service.startBackup(body.kind(), ApiRules.caller(request).id()));
    }

    private void verify(ServerRequest request, ServerResponse response) {
        accepted(response, service.startVerify(Optional.of(backupId(request)), ApiRules.caller(request).id()));
    }

    private void verifyChain(ServerRequest request, ServerResponse response) {
        accepted(response, service.startVerify(Optional.empty(), ApiRules.caller(request).id()));
    }

    private void operations(ServerRequest request, ServerResponse response) {
        bodies.ok(response, service.operations().list(RequestParameters.intParameter(request, "limit", 100, 1, BackupOperations.MAX_LIST)));
    }

    private void operation(ServerRequest request, ServerResponse response) {
        String text = request.path().pathParameters().get("id");
        UUID id;
        try {
            id = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no backup run " + RequestParameters.abbreviate(text));
        }
        bodies.ok(response, service.operations().find(id).orElseThrow(() -> ApiException.notFound("no backup run " + id)));
    }

    /**
     * A dry run answers the plan; a real restore (admins only) plans first, so that a bad time or target is refused before
     * the confirmation is asked, then is confirmed and starts as a run.
     */
    private void restore(ServerRequest request, ServerResponse response) {
        Caller caller = ApiRules.caller(request);
        RestoreRequest body = bodies.read(request, RestoreRequest.class);
        if (!body.dryRun() && !Role.anyGrants(caller.roles(), Role.ADMIN)) {
            throw ApiException.forbidden("a restore requires the admin role (operators may run a dry run: \"dryRun\": true); "
                    + caller.name() + " has " + caller.roles());
        }
        RestorePlan plan;
        try {
            plan = service.plan(body);
        } catch (OutsideWindowsException e) {
            throw ApiException.unprocessable("to", e.getMessage());
        }
        if (body.dryRun()) {
            bodies.ok(response, plan);
            return;
        }
        confirmations.require(request, caller, body, RESTORE_ACTION, "Restore backup " + plan.backupId() + " to "
                + (plan.latest() ? "the latest point (" + plan.to() + ")" : plan.to()) + " into " + plan.target() + ", reading "
                + plan.bytesToRead() + " bytes; the live database is not touched.");
        accepted(response, service.startRestore(plan, caller.id()));
    }

    private void updateSettings(ServerRequest request, ServerResponse response) {
        Caller caller = ApiRules.caller(request);
        BackupSettings update = bodies.read(request, BackupSettings.class);
        AuditEvent.Actor actor = AuditEvent.Actor.of(caller, RequestParameters.clientAddress(request),
                request.headers().first(HeaderNames.USER_AGENT).orElse(null));
        boolean differential = service.engine().map(engine -> "pgbackrest".equals(engine.name())).orElse(true);
        bodies.ok(response, service.settings().update(update, differential, caller, actor, audit,
                summary -> confirmations.require(request, caller, update, BackupSettingsStore.ACTION, summary)));
    }

    private void accepted(ServerResponse response, OperationStarted started) {
        bodies.send(response, Status.ACCEPTED_202, started);
    }

    private <T> Optional<T> optionalBody(ServerRequest request, Class<T> type) {
        byte[] body = JsonBodies.readBounded(request, SMALL_BODY);
        return body.length == 0 ? Optional.empty() : Optional.of(bodies.parse(body, type));
    }

    private static String backupId(ServerRequest request) {
        String id = request.path().pathParameters().get("id");
        if (!BACKUP_ID.matcher(id).matches()) {
            throw ApiException.notFound("no backup " + RequestParameters.abbreviate(id));
        }
        return id;
    }
}

package io.pganalytics.console.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pganalytics.common.backup.BackupSettings;
import io.pganalytics.common.backup.BackupStatus;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.RestoreRequest;
import io.pganalytics.common.backup.StartBackupRequest;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@link BackupsApi} over the session of an {@link HttpConsoleApi}: the same tokens, refresh and errors, and extra headers. */
final class HttpBackupsApi implements BackupsApi {
    private final HttpConsoleApi api;
    private final Map<String, String> headers;

    HttpBackupsApi(HttpConsoleApi api, Map<String, String> headers) {
        this.api = api;
        this.headers = Map.copyOf(headers);
    }

    @Override
    public List<BackupView> list(int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw new IllegalArgumentException("a backup listing holds 1 to " + MAX_LIST + " backups, not " + limit);
        }
        return api.decode(call("GET", "/backups?limit=" + limit, null), new TypeReference<List<BackupView>>() { });
    }

    @Override
    public OperationStarted start(StartBackupRequest request) {
        return api.decode(call("POST", "/backups", request), OperationStarted.class);
    }

    @Override
    public OperationStarted verify(String backupId) {
        return api.decode(call("POST", "/backups/" + HttpConsoleApi.encode(backupId) + "/verify", null), OperationStarted.class);
    }

    @Override
    public OperationView operation(UUID id) {
        return api.decode(call("GET", "/backups/operations/" + id, null), OperationView.class);
    }

    @Override
    public BackupStatus status() {
        return api.decode(call("GET", "/backups/status", null), BackupStatus.class);
    }

    @Override
    public List<RecoveryWindow> windows() {
        return api.decode(call("GET", "/backups/windows", null), new TypeReference<List<RecoveryWindow>>() { });
    }

    @Override
    public BackupSettings settings() {
        return api.decode(call("GET", "/backups/settings", null), BackupSettings.class);
    }

    @Override
    public BackupSettings updateSettings(BackupSettings settings) {
        return api.decode(call("PUT", "/backups/settings", settings), BackupSettings.class);
    }

    @Override
    public RestorePlan plan(RestoreRequest request) {
        if (!request.dryRun()) {
            throw new IllegalArgumentException("a plan is a dry run");
        }
        return api.decode(call("POST", "/backups/restore", request), RestorePlan.class);
    }

    @Override
    public OperationStarted restore(RestoreRequest request) {
        if (request.dryRun()) {
            throw new IllegalArgumentException("a dry run answers a plan: use plan()");
        }
        return api.decode(call("POST", "/backups/restore", request), OperationStarted.class);
    }

    private java.net.http.HttpResponse<String> call(String method, String path, Object body) {
        return api.authenticated(method, path, body, true, headers);
    }
}

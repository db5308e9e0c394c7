package io.pganalytics.common.auth;

/**
 * What "test connection" found ({@code POST /api/v1/admin/identity-providers/{name}/test}).
 *
 * @param ok      whether the provider could be reached and its settings work
 * @param message what was found, or what went wrong; never a secret
 */
public record ProviderTestResult(boolean ok, String message) {
}

/**
 * The console's only way to a server: HTTPS calls and server-sent events through {@code java.net.http}, trusting
 * either the system's certificate authorities or exactly the certificate a person pinned ({@link
 * io.pganalytics.console.api.ServerTrust}); the access token in memory, the refresh token in an owner-only file,
 * silent refresh; every failure an {@link io.pganalytics.console.api.ApiException} with a human sentence.
 * View-models see the {@link io.pganalytics.console.api.ConsoleApi} interface only (tests give them a fake).
 */
package io.pganalytics.console.api;

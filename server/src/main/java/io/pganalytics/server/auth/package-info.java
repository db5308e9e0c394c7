/**
 * Local users and their tokens: Argon2id passwords, the bootstrap admin, login sessions with rotating single-use
 * refresh tokens, ES256 access tokens signed with keys shared (and rotated) through the database, revocations and
 * login rate limits shared through Hazelcast, and the {@code /auth} and {@code /users} routes.
 * <p>
 * The public face is {@link io.pganalytics.server.auth.AuthConfig} and {@link io.pganalytics.server.auth.AuthFeature},
 * and, for the identity providers' packages, {@link io.pganalytics.server.auth.ExternalIdentity},
 * {@link io.pganalytics.server.auth.AuthMethods}, {@link io.pganalytics.server.auth.SignIns} (an external identity
 * becomes a local user and a session) and {@link io.pganalytics.server.auth.ExternalUsers} (the directory sync's
 * changes); everything else, entities included, stays in this package.
 */
package io.pganalytics.server.auth;

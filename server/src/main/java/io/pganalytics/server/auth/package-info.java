/**
 * Local users and their tokens: Argon2id passwords, the bootstrap admin, login sessions with rotating single-use
 * refresh tokens, ES256 access tokens signed with keys shared (and rotated) through the database, revocations and
 * login rate limits shared through Hazelcast, and the {@code /auth} and {@code /users} routes.
 * <p>
 * The public face is {@link io.pganalytics.server.auth.AuthConfig} and {@link io.pganalytics.server.auth.AuthFeature};
 * everything else, entities included, stays in this package.
 */
package io.pganalytics.server.auth;

/**
 * The API's HTTP plumbing shared by every feature: route registration with authentication and role checks
 * ({@link io.pganalytics.server.http.ApiRules}), bounded JSON bodies ({@link io.pganalytics.server.http.JsonBodies}),
 * the one exception family ({@link io.pganalytics.server.http.ApiException}) and its mapping to the error envelope,
 * the catalogue of routes the OpenAPI test checks, and the TLS material of the API listener.
 */
package io.pganalytics.server.http;

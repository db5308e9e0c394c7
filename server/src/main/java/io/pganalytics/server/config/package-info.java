/**
 * How the server's configuration is assembled (built-in {@code application.yaml}, then a {@code --config} file, then
 * {@code PGANALYTICS_...} environment variables, then command-line flags, later ones winning) and read: each feature
 * reads its own node into an immutable record through {@link io.pganalytics.server.config.Settings}, which names the
 * full key in every error.
 */
package io.pganalytics.server.config;

/**
 * Runtime settings: configuration keys an admin changes through the API while the cluster runs, stored in the table
 * {@code runtime_setting} and read over the configuration file's values by the feature that owns each key (retention:
 * {@link io.pganalytics.server.maintenance}). This package is only the store; the rules are the owning feature's.
 */
package io.pganalytics.server.settings;

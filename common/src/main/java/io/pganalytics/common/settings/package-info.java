/**
 * The runtime settings API's wire model ({@code /api/v1/admin/settings}): settings an admin changes while the cluster
 * runs, over the configuration file's values. Shared by the server and the console.
 */
package io.pganalytics.common.settings;

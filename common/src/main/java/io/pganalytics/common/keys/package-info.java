/** The key management API's wire model ({@code /api/v1/admin/keys}): shared by the server, the console and the CLI. */
package io.pganalytics.common.keys;

/**
 * The audit trail's wire model ({@code /api/v1/audit}) and its hash chain's canonical form: shared by the server, the
 * console and the CLI, and written down in docs/audit/integrity.md so that a third party can check an export.
 */
package io.pganalytics.common.audit;

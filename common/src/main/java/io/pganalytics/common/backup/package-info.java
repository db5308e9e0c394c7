/**
 * The wire model of backup and recovery ({@code /api/v1/backups}, docs/BACKUP-AND-RECOVERY.md): the catalogue, the
 * runs and their progress, the recovery windows, restore plans, the schedule and retention, and the repositories'
 * status. Shared by the server and the console.
 */
package io.pganalytics.common.backup;

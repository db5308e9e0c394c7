/**
 * The Backups screen, for operators and admins: the catalogue of backups with status lights and each one's
 * verification checks, "back up now" and "verify now" with progress bars that follow the run on the server (also a run
 * the schedule started), the schedule and retention editor (admins; lowering retention is confirmed through the one
 * confirmation path), the point-in-time restore wizard (a timeline of the recovery windows, latest or a time in UTC, a
 * target directory, a dry run first and then a confirmed restore, admins), the repositories with the second region's
 * lag, WAL archiving, health with its problems, and the monitored instances' own WAL archiving, worst first.
 */
package io.pganalytics.console.backups;

/**
 * The second region of the embedded engine's backups (docs/backup/second-region.md): a second repository on another
 * filesystem path ({@link io.pganalytics.server.backup.FileStore}) or in an S3-compatible bucket ({@link
 * io.pganalytics.server.backup.region.S3Store}), kept in step with the primary by a leased copy job, with its lag reported.
 * {@link io.pganalytics.server.backup.region.SecondRegion} is the face the rest of the server uses.
 */
package io.pganalytics.server.backup.region;

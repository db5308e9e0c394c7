/**
 * Files and directories the server writes, owner-only: created {@code 0700} / {@code 0600} (never with the umask),
 * existing ones tightened, and trees checked for anything another local account could change.
 */
package io.pganalytics.server.files;
